from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "generator.web"
    label = "keputusan_web"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Keputusan"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the login/logout receivers)
