"""Moving a case through its lifecycle, with the requirements its records show to be met."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, acting_user, record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.models import (
    CASE_STATUS_LABELS,
    Assessment,
    AssessmentDecision,
    Case,
    CaseStatus,
    Consent,
    ConsentPurpose,
    StatusChange,
    Threat,
)
from haven.cases.record_sources import derived_elsewhere, requirements_met_elsewhere
from haven.cases.requirements import unmet_labels
from haven.cases.services.guards import check_permitted, touch
from haven.domain.lifecycle import CASE_MACHINE, TransitionError, follow_records
from haven.domain.lifecycle import CaseStatus as Lifecycle
from haven.organisations.errors import joined
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope

ERASE_THROUGH_ERASURE = _(
    "Erasure needs a request and a second coordinator's approval, not a move."
)
UNKNOWN_STATUS = _("That status is not one Haven knows.")
NO_SUCH_MOVE = _("This case cannot move from %(source)s to %(target)s.")
MOVE_NOT_FOR_ROLE = _("Your role cannot move this case from %(source)s to %(target)s.")
MOVE_BLOCKED = _("This case cannot move from %(source)s to %(target)s yet. It needs: %(needs)s.")

# Requirements Haven can see in the records; all others are confirmed by the member making the move.
DERIVED_REQUIREMENTS = {
    "intake_recorded",
    "consent_to_processing_recorded",
    "consent_to_share_with_programme",
    "asylum_referral_consent_recorded",
    "risk_assessment_recorded",
    "protection_assessment_recorded",
    "new_threat_recorded",
}


def derived_requirement_names() -> frozenset[str]:
    """Every requirement read from records (here and in the apps above), never ticked by hand."""
    return frozenset(DERIVED_REQUIREMENTS) | derived_elsewhere()


def derived_requirements(case: Case, *, records: Any = None) -> set[str]:
    """
    Return the requirements the case's records, and the records other apps keep about it, show
    to be met; ``records`` (a ``selectors.CaseRecords``) saves reading them again.
    """
    return _derived_here(case, records=records) | requirements_met_elsewhere(case)


def _derived_here(case: Case, *, records: Any = None) -> set[str]:
    if records is not None:
        decided = {decision.assessment_id for decision in records.decisions}
        return _derived_from(case, records.consents, records.assessments, records.threats, decided)
    latest = list(Assessment.objects.filter(case=case).order_by("-recorded_at")[:1])
    newer_threats = (
        list(Threat.objects.filter(case=case, recorded_at__gt=latest[0].recorded_at)[:1])
        if latest
        else []
    )
    decided = set(
        AssessmentDecision.objects.filter(assessment__in=latest).values_list(
            "assessment_id", flat=True
        )
    )
    consents = list(Consent.objects.filter(case=case, withdrawn_at__isnull=True))
    return _derived_from(case, consents, latest, newer_threats, decided)


def _derived_from(
    case: Case,
    consents: list[Consent],
    assessments: list[Assessment],
    threats: list[Threat],
    decided: set[Any],
) -> set[str]:
    met: set[str] = set()
    if case.status != CaseStatus.ERASED:
        met.add("intake_recorded")  # every live case was opened with its defender's intake
    purposes = {
        consent.details.get("purpose")
        for consent in consents
        if consent.withdrawn_at is None and consent.details
    }
    if ConsentPurpose.PROCESSING in purposes:
        met.add("consent_to_processing_recorded")
    if ConsentPurpose.SHARE_WITH_PROGRAMME in purposes:
        met.add("consent_to_share_with_programme")
    if ConsentPurpose.ASYLUM_REFERRAL in purposes:
        met.add("asylum_referral_consent_recorded")
    if assessments:
        newest = max(assessments, key=lambda assessment: assessment.recorded_at)
        latest = newest.recorded_at
        met.add("protection_assessment_recorded")
        # The risk is assessed once staff have read the engines' latest result and decided.
        if newest.pk in decided:
            met.add("risk_assessment_recorded")
        if any(threat.recorded_at > latest for threat in threats):
            met.add("new_threat_recorded")
    return met


@transaction.atomic
def case_transition(
    *,
    membership: Membership,
    case: Case,
    target: str,
    confirmed: list[str],
    reason: str = "",
) -> StatusChange:
    """
    Move a case to ``target`` if the lifecycle machine allows it for this member's role now.

    Requirements the records show are derived here; the rest must be in ``confirmed`` (the member
    attests them). The case row is locked, so a double submit finds the case already moved and is
    refused. Erasure is not a move made here (it has its own four-eyes service). Side effect: one
    ``case.status_changed`` event. Raises CaseError, in the reader's language, for an unknown
    status or a move the machine refuses, naming what it still needs. Permission: CASE_EDIT on
    the case, checked here (Http404 otherwise).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_permitted(membership, Permission.CASE_EDIT, locked)
    if target == CaseStatus.ERASED:
        raise CaseError(ERASE_THROUGH_ERASURE)
    try:
        source, wanted = Lifecycle(locked.status), Lifecycle(target)
    except ValueError:
        raise CaseError(UNKNOWN_STATUS) from None
    confirmed_only = sorted(set(confirmed) - derived_requirement_names())
    satisfied = derived_requirements(locked) | set(confirmed_only)
    try:
        CASE_MACHINE.transition(source, wanted, role=membership.role, satisfied=satisfied)
    except TransitionError:
        raise _move_refused(source, wanted, role=membership.role, satisfied=satisfied) from None
    return _status_change_save(
        membership, case, locked, target=target, confirmed=confirmed_only, reason=reason
    )


def _move_refused(
    source: Lifecycle, target: Lifecycle, *, role: str, satisfied: set[str]
) -> CaseError:
    """
    The refusal of a move the lifecycle machine turned down, in the reader's language (the
    machine's own reasons are English, with status codes): no such move, a role that may not
    make it, or the requirements still unmet, by their labels.
    """
    statuses = {"source": CASE_STATUS_LABELS[source], "target": CASE_STATUS_LABELS[target]}
    move = next((t for t in CASE_MACHINE.transitions_from(source) if t.target == target), None)
    if move is None:
        return CaseError(NO_SUCH_MOVE, **statuses)
    if role not in move.roles:
        return CaseError(MOVE_NOT_FOR_ROLE, **statuses)
    return CaseError(MOVE_BLOCKED, **statuses, needs=joined(unmet_labels(move, satisfied), "; "))


@transaction.atomic
def case_follow_records(
    *, membership: Acting, case: Case, source: str, target: str
) -> StatusChange | None:
    """
    Move a case from ``source`` to ``target`` because its records now meet every requirement of
    that move (``haven.domain.lifecycle.RECORD_DRIVEN_MOVES``), with nobody ticking a box.

    Called by the services that write those records, inside their transaction, with their acting
    member (or ``SYSTEM``): no permission of its own is checked, the calling service has checked
    the one that let it write the record. A case that is not at ``source`` (staff already moved
    it, or it took another path) is left alone and None is returned, as is a case whose records
    do not yet meet the move. Side effect: one ``case.status_changed`` event with ``by_records``.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != source:
        return None
    try:
        follow_records(Lifecycle(source), Lifecycle(target), satisfied=derived_requirements(locked))
    except TransitionError:
        return None
    return _status_change_save(
        membership, case, locked, target=target, confirmed=[], reason="", by_records=True
    )


def _status_change_save(
    membership: Acting,
    case: Case,
    locked: Case,
    *,
    target: str,
    confirmed: list[str],
    reason: str,
    **data: Any,
) -> StatusChange:
    """
    Record the move of ``locked`` (the case row, locked by the caller) from its status to
    ``target``, set the case's status and file one ``case.status_changed`` event, so a move
    staff make and one the records make leave the same trace (``data`` marks the second).
    """
    with keyring_scope():
        change = StatusChange(
            case=locked,
            organisation_id=locked.organisation_id,
            recorded_by=acting_user(membership),
            from_status=locked.status,
            to_status=target,
            confirmed=confirmed,
            reason=reason.strip() or None,
        )
        change.save()
    touch(case, status=target)
    record_action(
        EventType.CASE_STATUS_CHANGED,
        membership,
        case,
        {"from": change.from_status, "to": target, "confirmed": confirmed, **data},
    )
    return change
