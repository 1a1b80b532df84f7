"""Accounts from the command line: `keputusan user add|passwd|unlock|list`. The first
administrator is made here; later ones, and every staff account, in the admin pages as well."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import KeputusanError


class AccountError(KeputusanError):
    """A user or office that cannot be created as asked (exit 2, like bad input)."""

    exit_code = 2


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

    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        raise AccountError("password refused: " + " ".join(exc.messages)) from None


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
        raise AccountError("give a user name of 1 to 150 characters")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"user {username!r} exists already (change its password with `keputusan user passwd`)")
    if office is None and not admin:
        raise AccountError("staff need an office: give --office KODE (the region code, e.g. 52 or 5201)")
    if role not in (Profile.STAFF, Profile.PROVINCE):
        raise AccountError("role is staf or provinsi")
    check_password(password, username)
    with transaction.atomic():
        place = None
        if office is not None:
            try:
                kode_validator(office)
            except ValidationError:
                raise AccountError(
                    f"office {office!r}: a region code has 2 digits (province) or 4 (kabupaten/kota)"
                ) from None
            place = Office.objects.filter(kode=office).first()
            if place is None:
                if not office_name:
                    raise AccountError(f"office {office} does not exist yet: give its name with --office-name")
                place = Office.objects.create(kode=office, nama=office_name)
            if role == Profile.PROVINCE and not place.is_province:
                raise AccountError(f"role provinsi needs a province office (2 digits), not {office}")
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
        raise AccountError(f"no user {username!r}")
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
