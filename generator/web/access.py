"""Who may see what: every case belongs to one office, and only that office's users reach it.

A case of another office answers 404, exactly as a case that does not exist, so a URL reveals
nothing. Only a province user may run a batch, and only for its own kabupaten/kota.
"""

from __future__ import annotations

from django.http import Http404

from .models import Case, Office, Profile


def office_of(user) -> Office | None:
    try:
        return user.profile.office
    except (Profile.DoesNotExist, AttributeError):
        return None


def role_of(user) -> str:
    try:
        return user.profile.role
    except (Profile.DoesNotExist, AttributeError):
        return ""


def visible_cases(user):
    office = office_of(user)
    if office is None:
        return Case.objects.none()
    return Case.objects.filter(office=office)


def case_for(user, pk: int) -> Case:
    case = visible_cases(user).select_related("office").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def may_run_batch(user, case: Case) -> bool:
    return role_of(user) == Profile.PROVINCE and case.office.is_province
