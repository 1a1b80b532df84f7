"""Accounts from the command line: `keputusan user add|passwd|unlock|list`. The first
administrator is made here; later ones, and every staff account, in the admin pages as well."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AccountError
from ..messages import LANGS


@dataclass
class AccountRow:
    username: str
    office: str
    role: str
    admin: bool
    active: bool
    locked: bool


def check_password(password: str, username: str) -> None:
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    reasons: dict[str, str] = {}
    for lang in LANGS:  # Django's validators say why in either language (its own translations)
        with translation.override(lang):
            try:
                validate_password(password, User(username=username))
            except ValidationError as exc:
                reasons[lang] = " ".join(exc.messages)
    if reasons:
        raise AccountError("account.password_refused", reasons=reasons)


def add_user(
    username: str,
    password: str,
    *,
    office: str | None,
    office_name: str | None = None,
    role: str = "staf",
    admin: bool = False,
    full_name: str = "",
) -> str:
    from django.contrib.auth.models import User
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .models import Office, Profile, kode_validator

    if not username or len(username) > 150:
        raise AccountError("account.bad_name")
    if User.objects.filter(username=username).exists():
        raise AccountError("account.exists", name=username)
    if office is None and not admin:
        raise AccountError("account.needs_office")
    if role not in (Profile.STAFF, Profile.PROVINCE):
        raise AccountError("account.bad_role")
    check_password(password, username)
    with transaction.atomic():
        place = None
        if office is not None:
            try:
                kode_validator(office)
            except ValidationError:
                raise AccountError("account.bad_office", office=office) from None
            place = Office.objects.filter(kode=office).first()
            if place is None:
                if not office_name:
                    raise AccountError("account.office_unknown", office=office)
                place = Office.objects.create(kode=office, nama=office_name)
            if role == Profile.PROVINCE and not place.is_province:
                raise AccountError("account.not_province", office=office)
        first, _, last = full_name.partition(" ")
        user = User.objects.create_user(username, password=password, first_name=first, last_name=last)
        if admin:
            user.is_staff = user.is_superuser = True
            user.save()
        if place is not None:
            Profile.objects.create(user=user, office=place, role=role)
    return username


def set_password(username: str, password: str) -> None:
    from django.contrib.auth.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise AccountError("account.no_user", name=username)
    check_password(password, username)
    user.set_password(password)
    user.save()


def unlock(username: str) -> int:
    from axes.utils import reset

    return reset(username=username)


def list_users() -> list[AccountRow]:
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.contrib.auth.models import User

    locked = set(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).values_list(
            "username", flat=True
        )
    )
    rows = []
    for user in User.objects.select_related("profile__office").order_by("username"):
        profile = getattr(user, "profile", None)
        rows.append(
            AccountRow(
                username=user.username,
                office=profile.office_id if profile else "",
                role=profile.role if profile else "",
                admin=user.is_superuser,
                active=user.is_active,
                locked=user.username in locked,
            )
        )
    return rows
