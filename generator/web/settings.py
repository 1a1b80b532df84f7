"""Django settings, read from the environment that `keputusan serve` sets up.

KEPUTUSAN_DATA      the data folder: cases, outputs, uploads, previews, the job queue, the
                    secret key and (by default) the SQLite database. Default ./keputusan-data.
DATABASE_URL        e.g. postgres://user:pass@host/db; default sqlite:///DATA/keputusan.sqlite3
KEPUTUSAN_SECRET_KEY  default: generated once into DATA/secret_key (mode 0600)
KEPUTUSAN_ALLOWED_HOSTS  comma-separated host names the server answers to (default: any)
KEPUTUSAN_HTTPS     1 behind a TLS reverse proxy: secure cookies, HSTS, trusted X-Forwarded-Proto
KEPUTUSAN_TRUST     root certificates (PEM/DER) for verifying signed PDFs, separated by ':'
KEPUTUSAN_UPLOAD_MB largest upload in MB (default 20)
KEPUTUSAN_POOL      warm LibreOffice processes of the job worker (default 1)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from .paths import data_root

DATA_DIR = data_root()
DATA_DIR.mkdir(parents=True, exist_ok=True)
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    configured = os.environ.get("KEPUTUSAN_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        return key
    except OSError:
        raise


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("KEPUTUSAN_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KEPUTUSAN_ALLOWED_HOSTS", "*").split(",") if h.strip()]
HTTPS = os.environ.get("KEPUTUSAN_HTTPS") == "1"
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("KEPUTUSAN_CSRF_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "generator.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "generator.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "generator.web.urls"
WSGI_APPLICATION = "generator.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "generator.web.middleware.language_context",
            ],
            "builtins": ["generator.web.templatetags.texts"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'keputusan.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # several gunicorn processes and the job worker write the same file: WAL, and writers queue
    # instead of failing with "database is locked"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account before checking
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases"
LOGOUT_REDIRECT_URL = "login"

# lock-out: 5 wrong passwords for one user name lock that account for an hour
AXES_FAILURE_LIMIT = int(os.environ.get("KEPUTUSAN_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("KEPUTUSAN_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "keputusan_web/locked.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if HTTPS else 0

SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no inline scripts: every script is a static file
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "keputusan_bahasa"
USE_I18N = True
TIME_ZONE = os.environ.get("KEPUTUSAN_TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

UPLOAD_LIMIT = int(float(os.environ.get("KEPUTUSAN_UPLOAD_MB", "20")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
FILE_UPLOAD_PERMISSIONS = 0o640
(DATA_DIR / "tmp").mkdir(exist_ok=True)

TRUST_ROOTS = [p for p in os.environ.get("KEPUTUSAN_TRUST", "").split(":") if p]
POOL_SIZE = int(os.environ.get("KEPUTUSAN_POOL", "1"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "generator.web": {"level": "INFO"},
        "huey": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
FILE_UPLOAD_HANDLERS = [
    "generator.web.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CSRF_FAILURE_VIEW = "generator.web.views.csrf_failure"
# Lock-out is by user name only, on purpose: an office's staff often share one address behind
# NAT, so locking an address would lock out the whole office after one person's mistakes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
