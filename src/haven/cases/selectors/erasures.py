"""Erasure requests (crypto-shredding a case), for coordinators: one, the pending ones, a case's."""

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.cases.models import Case, CaseErasure, ErasureState
from haven.cases.selectors.common import CASES_PER_PAGE
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may

ERASURE_PEOPLE = ("case", "requested_by", "approved_by", "declined_by")


def _erasures(membership: Membership | None) -> QuerySet[CaseErasure]:
    """The erasure requests of the member's organisation, for coordinators only (else none)."""
    if membership is None or not may(membership, Permission.CASE_ERASE):
        return CaseErasure.objects.none()
    return CaseErasure.objects.filter(organisation_id=membership.organisation_id).select_related(
        *ERASURE_PEOPLE
    )


def erasure_get(*, membership: Membership | None, erasure_id: uuid.UUID) -> CaseErasure:
    """One erasure request of the member's organisation, for a coordinator; Http404 otherwise."""
    try:
        return _erasures(membership).get(pk=erasure_id)
    except CaseErasure.DoesNotExist:
        raise Http404 from None


def erasures_pending(*, membership: Membership | None) -> list[CaseErasure]:
    """Requests waiting for a second coordinator and not yet expired, oldest first."""
    return list(
        _erasures(membership)
        .filter(state=ErasureState.PENDING, expires_at__gt=timezone.now())
        .order_by("requested_at")[:CASES_PER_PAGE]
    )


def case_erasures(*, membership: Membership | None, case: Case) -> list[CaseErasure]:
    """The erasure requests of a case fetched with ``case_get``, newest first."""
    return list(_erasures(membership).filter(case=case).order_by("-requested_at"))
