"""The audit log: logins (and failed ones, and lock-outs), logouts, uploads, builds, downloads."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(request, action: str, case=None, user=None, **detail: Any) -> None:
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    office = ""
    if case is not None:
        office = case.office_id
    elif user is not None and hasattr(user, "profile"):
        office = user.profile.office_id
    AuditEvent.objects.create(
        user=user,
        username=(user.get_username() if user is not None else str(detail.pop("username", "")))[:150],
        office=office,
        action=action,
        case=case,
        detail=detail,
        ip=client_ip(request),
    )


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    record(request, AuditEvent.LOGIN, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(request, AuditEvent.LOGOUT, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    record(request, AuditEvent.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record(request, AuditEvent.LOCKED, username=str(username or "")[:150])
