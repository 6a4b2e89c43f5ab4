"""Reads of cases and defenders. Each takes the acting user first and returns only what they may see."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from haven.accounts.models import Membership, Organisation, Role
from haven.cases.models import Case, CaseStatus, Defender, Note
from haven.vault.keyring import current_keyring


class CaseNotFoundError(Exception):
    """The case does not exist or the user may not see it; the two are never told apart."""


def membership_roles(user: Any, organisation: Organisation) -> set[str]:
    """Return the user's active roles in ``organisation`` (empty for an outsider)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation=organisation, is_active=True).values_list(
            "role", flat=True
        )
    )


def is_coordinator(user: Any, organisation: Organisation) -> bool:
    return Role.COORDINATOR in membership_roles(user, organisation)


def case_list_visible_to(user: Any, *, organisation: Organisation) -> QuerySet[Case]:
    """
    Return the cases of ``organisation`` the user may see, newest first, erased ones excluded.

    Need-to-know (assignments) narrows this later; today any active member of the organisation
    who is not an auditor or analyst sees its cases.
    """
    roles = membership_roles(user, organisation) - {Role.AUDITOR, Role.ANALYST}
    if not roles:
        return Case.objects.none()
    return (
        Case.objects.filter(organisation=organisation)
        .exclude(status=CaseStatus.ERASED)
        .select_related("data_key__organisation_key")
        .order_by("-created_at")
    )


def case_get_for_user(user: Any, *, organisation: Organisation, case_id: uuid.UUID | str) -> Case:
    """Return one visible case or raise CaseNotFoundError, the same way for missing and forbidden."""
    try:
        return case_list_visible_to(user, organisation=organisation).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, ValidationError):
        raise CaseNotFoundError from None


def case_principal_defender(case: Case) -> Defender | None:
    """Return the defender at the centre of ``case``."""
    return case.defenders.order_by("case_links__role", "created_at").first()


def prefetch_case_keys(cases: list[Case]) -> None:
    """Open the data keys of ``cases`` (and their defenders) in one query each, for list pages."""
    ring = current_keyring()
    if ring is not None:
        ring.prefetch(case.vault_key_ref() for case in cases)


def notes_for_case(user: Any, *, case: Case) -> QuerySet[Note]:
    """Return the notes of a case the user can see (``case`` comes from ``case_get_for_user``)."""
    return Note.objects.filter(case=case, organisation_id=case.organisation_id).order_by(
        "created_at"
    )
