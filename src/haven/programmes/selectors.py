"""
Reads of programmes, intake windows, applications and matching runs.

Each takes the acting membership first and returns only what it may see; anything else raises
``Http404``, the same answer as for an id that does not exist (AZ-02). Applications are visible
only through their case, so they follow the case selectors' rules.
"""

import datetime
import uuid
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.pagination import KeysetPage, SortKey, keyset_page
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may
from haven.programmes.models import (
    Application,
    ApplicationStatus,
    IntakeWindow,
    MatchingRun,
    PersecutorReach,
    Programme,
)
from haven.vault.keyring import keyring_scope

Row = TypeVar("Row", Programme, IntakeWindow, MatchingRun)


def _of_organisation(
    rows: QuerySet[Row], membership: Membership, permission: Permission
) -> QuerySet[Row]:
    """The rows of the member's organisation; none for a role without ``permission``."""
    if not may(membership, permission):
        return rows.none()
    return rows.filter(organisation_id=membership.organisation_id)


def programme_list(*, membership: Membership) -> QuerySet[Programme]:
    """
    The organisation's programmes, by name; none for a role that does not read the catalogue
    (VIEW_PROGRAMMES), so ``programme_get`` is then 404 (AZ-02).
    """
    programmes = _of_organisation(Programme.objects.all(), membership, Permission.VIEW_PROGRAMMES)
    return programmes.order_by("name")


def programme_get(*, membership: Membership, programme_id: uuid.UUID) -> Programme:
    return get_object_or_404(programme_list(membership=membership), pk=programme_id)


def intake_window_list(*, membership: Membership) -> QuerySet[IntakeWindow]:
    """The intake windows of the programmes ``programme_list`` shows the member."""
    return (
        _of_organisation(IntakeWindow.objects.all(), membership, Permission.VIEW_PROGRAMMES)
        .select_related("programme")
        .order_by("programme__name", "opens_on")
    )


def intake_window_get(*, membership: Membership, window_id: uuid.UUID) -> IntakeWindow:
    return get_object_or_404(intake_window_list(membership=membership), pk=window_id)


def case_get(*, membership: Membership, case_id: uuid.UUID) -> Case:
    """Return a case the member may see, through the cases app's need-to-know rule (a 404 if not)."""
    return case_selectors.case_get(membership=membership, case_id=case_id)


def application_list_for_case(*, membership: Membership, case: Case) -> QuerySet[Application]:
    """The applications of a case fetched with ``case_get``."""
    return (
        Application.objects.filter(organisation_id=membership.organisation_id, case=case)
        .select_related("programme", "intake_window")
        .order_by("-created_at")
    )


def application_list(*, membership: Membership, status: str | None = None) -> QuerySet[Application]:
    """The organisation's applications whose case the member may see, newest change first."""
    visible = case_selectors.visible_cases(membership=membership)
    applications = Application.objects.filter(
        organisation_id=membership.organisation_id, case__in=visible
    )
    if status:
        applications = applications.filter(status=status)
    return applications.select_related("case", "programme", "intake_window").order_by("-updated_at")


#: The application list's order, newest change first; indexed as ``application_list_order``.
APPLICATION_LIST_ORDER = (SortKey("updated_at", descending=True), SortKey("id", descending=True))
APPLICATIONS_PER_PAGE = 50
#: What a row of the application list shows, and nothing encrypted.
APPLICATION_LIST_COLUMNS = (
    "id",
    "organisation_id",
    "status",
    "updated_at",
    "case",
    "case__code",
    "programme",
    "programme__name",
    "intake_window",
    "intake_window__name",
)


def application_list_page(
    *,
    membership: Membership,
    status: str | None = None,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
) -> KeysetPage:
    """One page of ``application_list``: after or before an application, the last, or the first."""
    shown = application_list(membership=membership, status=status).only(*APPLICATION_LIST_COLUMNS)
    return keyset_page(
        shown,
        APPLICATION_LIST_ORDER,
        size=APPLICATIONS_PER_PAGE,
        after=after,
        before=before,
        last=last,
    )


def application_get(*, membership: Membership, application_id: uuid.UUID) -> Application:
    """Return an application whose case the member may see."""
    visible = case_selectors.visible_cases(membership=membership)
    try:
        return (
            Application.objects.filter(organisation_id=membership.organisation_id, case__in=visible)
            .select_related(
                "case__data_key__organisation_key", "programme", "intake_window", "nominated_by"
            )
            .get(pk=application_id)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def _persecutor_reach_record(membership: Membership, case: Case) -> PersecutorReach | None:
    """
    The case's persecutor-reach record, for a member who manages its applications
    (MANAGE_APPLICATIONS on the case, as ``persecutor_reach_set`` writes it); Http404 otherwise.
    """
    if not may(membership, Permission.MANAGE_APPLICATIONS, case):
        raise Http404
    return PersecutorReach.objects.filter(case=case).select_related("case__data_key").first()


def must_leave_by(*, membership: Membership, case: Case) -> datetime.date | None:
    """The date staff recorded the case's defender must leave by, if any (decrypts)."""
    record = _persecutor_reach_record(membership, case)
    if record is None:
        return None
    with keyring_scope():
        leave_by: datetime.date | None = record.must_leave_by
        return leave_by


def persecutor_reach(*, membership: Membership, case: Case) -> list[str]:
    """The host countries staff recorded as reachable by the case's persecutor (decrypts)."""
    record = _persecutor_reach_record(membership, case)
    if record is None:
        return []
    with keyring_scope():
        return list(record.host_countries or [])


def application_eligibility(*, membership: Membership, application: Application) -> dict[str, Any]:
    """
    The eligibility snapshot stored with an application, decrypted (empty before the first), for
    a member who manages the applications of its case; Http404 otherwise (AZ-02).
    """
    if not may(membership, Permission.MANAGE_APPLICATIONS, application.case):
        raise Http404
    with keyring_scope():
        return dict(application.eligibility or {})


def matching_run_list(*, membership: Membership) -> QuerySet[MatchingRun]:
    """
    The organisation's matching runs, newest first; none for a role that does not run matching,
    since a run names the cases it places (so ``matching_run_get`` is then 404).
    """
    runs = _of_organisation(MatchingRun.objects.all(), membership, Permission.RUN_MATCHING)
    return runs.order_by("-created_at")


def matching_run_get(*, membership: Membership, run_id: uuid.UUID) -> MatchingRun:
    return get_object_or_404(matching_run_list(membership=membership), pk=run_id)


def cases_by_id(*, membership: Membership, case_ids: Any) -> dict[str, Case]:
    """The member's visible cases among ``case_ids``, keyed by id as text (for run reviews)."""
    visible = case_selectors.visible_cases(membership=membership)
    return {str(case.pk): case for case in visible.filter(pk__in=list(case_ids))}


#: What a host partner is shown: applications the organisation has put forward to its programme.
HOSTED_STATUSES = (
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
)


def host_partner_candidates(*, membership: Membership) -> QuerySet[Membership]:
    """The organisation's active host partners, for the coordinator's assignment form."""
    return (
        Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Role.HOST_PARTNER, is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    )


def hosted_applications(*, membership: Membership) -> QuerySet[Application]:
    """
    The applications at the programmes assigned to this host partner, with minimum data.

    Only the columns a host needs are loaded (no case, no eligibility, no consent texts), so a
    template cannot show more by mistake.
    """
    return (
        Application.objects.filter(
            organisation_id=membership.organisation_id,
            programme__host_partners__membership=membership,
            status__in=HOSTED_STATUSES,
        )
        .select_related("programme", "intake_window")
        .only("id", "status", "updated_at", "programme__name", "intake_window__name")
        .order_by("programme__name", "-updated_at")
    )
