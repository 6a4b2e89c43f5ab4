"""Applications of cases to programmes, their status machine, and the persecutor's reach."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, permits, record_action
from haven.audit.events import EventType
from haven.cases.models import Case
from haven.cases.selectors import CLOSED_STATUSES
from haven.organisations.policy import Permission
from haven.programmes.catalogue import asylum_policy_text, case_assessment, return_expectation_text
from haven.programmes.errors import ProgrammeError
from haven.programmes.models import (
    Application,
    ApplicationRoute,
    ApplicationStatus,
    IntakeWindow,
    MatchingRun,
    PersecutorReach,
    Programme,
)
from haven.programmes.services.guards import check_permitted
from haven.vault.keyring import keyring_scope

S = ApplicationStatus
OPEN_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.SHORTLISTED, S.OFFERED})

#: The status machine: each status and where it may go next.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.SHORTLISTED, S.OFFERED, S.WITHDRAWN}),
    S.SHORTLISTED: frozenset({S.OFFERED, S.WITHDRAWN}),
    S.OFFERED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: Statuses that are the organisation's decision rather than the defender's or caseworker's.
REVIEW_STATUSES = frozenset({S.SHORTLISTED, S.OFFERED})
MATCHABLE_STATUSES = frozenset({S.SUBMITTED, S.SHORTLISTED})


NOT_AN_APPLICATIONS_MANAGER = _("Your role does not manage applications.")


def _check_manager(membership: Acting, case: Case) -> None:
    """A role without MANAGE_APPLICATIONS is refused; a case the member may not see is Http404."""
    check_permitted(membership, Permission.MANAGE_APPLICATIONS, case, NOT_AN_APPLICATIONS_MANAGER)


@transaction.atomic
def persecutor_reach_set(
    *, membership: Acting, case: Case, host_countries: Iterable[str]
) -> list[str]:
    """
    Record the host countries the case's persecutor is known to reach (encrypted); the date
    the defender must leave by is kept as it was (``matching_limits_set`` sets both).

    Matching never proposes a placement there. Permission: MANAGE_APPLICATIONS and a case the
    actor may see. Side effect: one ``programme.persecutor_reach_updated`` event holding the
    number of countries only (the list itself hints at the persecutor).
    """
    countries, _leave_by = _limits_save(membership, case, host_countries, keep_leave_by=True)
    return countries


@transaction.atomic
def matching_limits_set(
    *,
    membership: Acting,
    case: Case,
    host_countries: Iterable[str],
    must_leave_by: datetime.date | None,
) -> tuple[list[str], datetime.date | None]:
    """
    Record where the case's persecutor reaches and the date the defender must leave by (both
    encrypted under the case's key); ``None`` clears the date.

    Matching never proposes a placement in a reached country, nor one whose stay starts after
    that date (or whose start is not known while a date is set). Permission:
    MANAGE_APPLICATIONS and a case the actor may see. Side effect: one
    ``programme.persecutor_reach_updated`` event holding the number of countries and whether a
    date is set (never the countries or the date).
    """
    return _limits_save(membership, case, host_countries, must_leave_by=must_leave_by)


CASE_NOT_OPEN = _("Only an open case can be changed.")


def _limits_save(
    membership: Acting,
    case: Case,
    host_countries: Iterable[str],
    *,
    must_leave_by: datetime.date | None = None,
    keep_leave_by: bool = False,
) -> tuple[list[str], datetime.date | None]:
    if not permits(membership, Permission.MANAGE_APPLICATIONS, case):
        raise Http404
    if case.status in CLOSED_STATUSES:
        raise ProgrammeError(CASE_NOT_OPEN)
    countries = sorted({code.strip().upper() for code in host_countries if code.strip()})
    with keyring_scope():
        record = PersecutorReach.objects.filter(case=case).first() or PersecutorReach(
            organisation_id=case.organisation_id, case=case
        )
        record.host_countries = countries
        if not keep_leave_by:
            record.must_leave_by = must_leave_by
        record.updated_by = acting_user(membership)
        record.updated_at = timezone.now()
        record.save()
        record_action(
            EventType.PERSECUTOR_REACH_UPDATED,
            membership,
            case,
            {"countries": len(countries), "must_leave_by": record.must_leave_by is not None},
        )
    return countries, record.must_leave_by


CLOSED_CASE_CANNOT_APPLY = _("Only an open case can apply to a programme.")
PROGRAMME_ELSEWHERE = _("That programme is not in this organisation's catalogue.")
APPLICATION_WINDOW_ELSEWHERE = _("That intake window belongs to another programme.")
UNKNOWN_ROUTE = _("Say whether the defender applies or is nominated.")
UNKNOWN_PREFERENCE_RANK = _("A preference rank is 1, 2 or 3.")
ALREADY_APPLYING = _("This case already has an open application to that programme.")


def _refuse_unfit_application(
    case: Case,
    programme: Programme,
    intake_window: IntakeWindow | None,
    route: str,
    preference_rank: int | None,
) -> None:
    """
    Refuse an application the permission allows but the records do not: a closed case, a
    programme or window that is not the case's organisation's, an unknown route or rank, or a
    second open application to the same programme.
    """
    if case.status in CLOSED_STATUSES:
        raise ProgrammeError(CLOSED_CASE_CANNOT_APPLY)
    if programme.organisation_id != case.organisation_id:
        raise ProgrammeError(PROGRAMME_ELSEWHERE)
    if intake_window is not None and intake_window.programme_id != programme.pk:
        raise ProgrammeError(APPLICATION_WINDOW_ELSEWHERE)
    if route not in ApplicationRoute.values:
        raise ProgrammeError(UNKNOWN_ROUTE)
    if preference_rank is not None and preference_rank not in (1, 2, 3):
        raise ProgrammeError(UNKNOWN_PREFERENCE_RANK)
    if Application.objects.filter(
        case=case, programme=programme, status__in=OPEN_STATUSES
    ).exists():
        raise ProgrammeError(ALREADY_APPLYING)


@transaction.atomic
def application_create(
    *,
    membership: Acting,
    case: Case,
    programme: Programme,
    route: str,
    intake_window: IntakeWindow | None = None,
    preference_rank: int | None = None,
) -> Application:
    """
    Start a draft application of ``case`` to ``programme``, with the engine's eligibility verdict.

    The verdict, its reasons and the engine version are stored encrypted under the case's key.
    Permission: MANAGE_APPLICATIONS and a case the actor may see. Side effect: one
    ``programme.application_created`` event. Raises ProgrammeError for a closed case, a programme
    or window of another organisation, or an open application to the same programme, and for a
    role without MANAGE_APPLICATIONS; a case the actor may not see is Http404.
    """
    _check_manager(membership, case)
    _refuse_unfit_application(case, programme, intake_window, route, preference_rank)
    with keyring_scope():
        application = Application(
            organisation_id=case.organisation_id,
            case=case,
            programme=programme,
            intake_window=intake_window,
            route=route,
            preference_rank=preference_rank,
            nominated_by=acting_user(membership),
        )
        application.eligibility = _eligibility_snapshot(membership, case, programme)
        application.save()
        record_action(
            EventType.APPLICATION_CREATED,
            membership,
            application,
            {
                "case_id": case.pk,
                "programme_id": programme.pk,
                "intake_window_id": intake_window.pk if intake_window else None,
                "route": route,
            },
        )
    return application


def _eligibility_snapshot(membership: Acting, case: Case, programme: Programme) -> dict[str, Any]:
    assessment = case_assessment(membership=membership, case=case, programmes=[programme])
    snapshot = assessment.eligibility(programme.catalogue_id)
    snapshot["assessed_at"] = timezone.now().isoformat()
    return snapshot


def _locked(application: Application, *related: str) -> Application:
    """
    Re-read ``application`` locked for this transaction, its own row only (the case and
    programme read with it stay unlocked), so two moves of one application run one after the
    other and each sees the other's status.
    """
    locked: Application = (
        Application.objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=application.pk)
    )
    return locked


VERDICT_IS_HISTORY = _("A closed application keeps the verdict it was decided on.")


@transaction.atomic
def application_check_eligibility(
    *, membership: Acting, application: Application
) -> dict[str, Any]:
    """
    Run the engines again on the case's current facts and store the new snapshot.

    For an open application whose case facts changed since the verdict was taken. Permission:
    MANAGE_APPLICATIONS and a case the actor may see. Side effect: one
    ``programme.application_eligibility_checked`` event with the verdict code. Raises
    ProgrammeError for a closed application (its verdict is history) and for a role without
    MANAGE_APPLICATIONS; a case the actor may not see is Http404.
    """
    application = _locked(application, "case__data_key__organisation_key", "programme")
    _check_manager(membership, application.case)
    if application.status not in OPEN_STATUSES:
        raise ProgrammeError(VERDICT_IS_HISTORY)
    with keyring_scope():
        snapshot = _eligibility_snapshot(membership, application.case, application.programme)
        application.eligibility = snapshot
        application.updated_at = timezone.now()
        application.save(update_fields=["eligibility", "updated_at"])
        record_action(
            EventType.APPLICATION_ELIGIBILITY_CHECKED,
            membership,
            application,
            {"verdict": snapshot["verdict"], "engine_version": snapshot["engine_version"]},
        )
    return snapshot


CONSENT_ON_DRAFT_ONLY = _("Consent is recorded on a draft, before it is submitted.")


@transaction.atomic
def application_record_consent(*, membership: Acting, application: Application) -> Application:
    """
    Record that the defender gave informed consent after seeing the programme's asylum policy
    and return expectation; the texts as shown now are kept with the record.

    Only a draft takes consent (a submitted application was consented to already). Permission:
    MANAGE_APPLICATIONS and a case the actor may see. Side effect: one
    ``programme.application_consent_recorded`` event. Raises ProgrammeError for a role without
    MANAGE_APPLICATIONS; a case the actor may not see is Http404.
    """
    application = _locked(application, "case", "programme")
    _check_manager(membership, application.case)
    if application.status != S.DRAFT:
        raise ProgrammeError(CONSENT_ON_DRAFT_ONLY)
    application.consent_recorded_by = acting_user(membership)
    application.consent_recorded_at = timezone.now()
    application.consent_asylum_policy_shown = asylum_policy_text(application.programme)
    application.consent_return_expectation_shown = return_expectation_text(application.programme)
    application.updated_at = timezone.now()
    application.save(
        update_fields=[
            "consent_recorded_by",
            "consent_recorded_at",
            "consent_asylum_policy_shown",
            "consent_return_expectation_shown",
            "updated_at",
        ]
    )
    record_action(
        EventType.APPLICATION_CONSENT_RECORDED,
        membership,
        application,
        {"programme_id": application.programme_id},
    )
    return application


NOT_A_REVIEWER = _("Only a coordinator shortlists applications or makes offers.")


def application_change_status(
    *, membership: Acting, application: Application, status: str
) -> Application:
    """
    Move an application along the status machine (``TRANSITIONS``) for a member.

    Permission, checked here so every caller gets the same answer: MANAGE_APPLICATIONS on a case
    the member may see, and REVIEW_APPLICATIONS for ``REVIEW_STATUSES`` (shortlisting and
    offering are the organisation's decision). Raises ProgrammeError when the member lacks them
    and Http404 for a case they may not see; otherwise as ``_application_status_move``.
    """
    _check_manager(membership, application.case)
    if status in REVIEW_STATUSES and not permits(membership, Permission.REVIEW_APPLICATIONS):
        raise ProgrammeError(NOT_A_REVIEWER)
    return _application_status_move(membership=membership, application=application, status=status)


CANNOT_BECOME = _("An application that is %(current)s cannot become %(status)s.")
CONSENT_FIRST = _(
    "Record the defender's informed consent first: they must see the "
    "programme's asylum policy and return expectation before applying."
)


@transaction.atomic
def _application_status_move(
    *, membership: Acting, application: Application, status: str, run: MatchingRun | None = None
) -> Application:
    """
    Move an application along the status machine (``TRANSITIONS``).

    Submitting needs the defender's recorded consent and refreshes the eligibility snapshot, so
    the stored verdict is the one the submission was made on. Permission: the caller checked it
    (``application_change_status`` for a member's move, ``matching_run_approve`` for the offers
    of an approved run). Side effect: one ``programme.application_status_changed`` event. Raises
    ProgrammeError for a move the machine does not allow or a submission without consent.
    """
    application = _locked(application, "case__data_key__organisation_key", "programme")
    current = application.status
    if status not in TRANSITIONS.get(current, frozenset()):
        raise ProgrammeError(
            CANNOT_BECOME,
            current=S(current).label,
            status=S(status).label if status in S.values else status,
        )
    fields = ["status", "updated_at"]
    with keyring_scope():
        if status == S.SUBMITTED:
            if not application.has_consent:
                raise ProgrammeError(CONSENT_FIRST)
            application.eligibility = _eligibility_snapshot(
                membership, application.case, application.programme
            )
            fields.append("eligibility")
        application.status = status
        application.updated_at = timezone.now()
        application.save(update_fields=fields)
        record_action(
            EventType.APPLICATION_STATUS_CHANGED,
            membership,
            application,
            {
                "from": current,
                "to": status,
                "intake_window_id": application.intake_window_id,
                "matching_run_id": run.pk if run else None,
            },
        )
    return application
