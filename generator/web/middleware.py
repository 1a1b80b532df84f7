"""The reader's language: Indonesian unless they switched to English (a cookie), whatever the
browser's own language says; Django's own texts (form errors) follow the same choice."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from ..messages import DEFAULT_LANG, LANGS


def request_language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in LANGS else DEFAULT_LANG


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request_language(request)
        request.lang = lang
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        translation.deactivate()
        return response


def language_context(request) -> dict:
    return {
        "lang": getattr(request, "lang", DEFAULT_LANG),
        "other_lang": "en" if request_language(request) == "id" else "id",
    }
