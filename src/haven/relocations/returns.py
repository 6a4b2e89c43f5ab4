"""
The end of a stay: the return review with a fresh assessment, the return plan, the return
itself, the follow-ups after it, and the stay's outcome.

Same rules as ``services``: the acting member first, the permission checked here, one
transaction with its audit event, and the case following its records. The asylum option is the
hand-over point to the asylum bridge (issue 13): a decision for asylum calls every handler
registered with ``register_asylum_handover``, inside the same transaction, and the outcome
``sought_asylum`` records what came of it.
"""

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType
from haven.cases.models import CaseStatus
from haven.cases.services import CaseError, assessment_run, threat_record
from haven.domain.stay import follow_up_schedule
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.models import (
    FollowUp,
    FollowUpStatus,
    ReturnOption,
    ReturnPlan,
    ReturnReview,
    Stay,
    StayOutcome,
    StayStatus,
)
from haven.relocations.services import StayError, lock_stay, record_stay_event
from haven.relocations.services.common import (
    _reachable,
    case_follows_stay,
    on_stay,
    record_to_replace,
    save_once,
    writable_stay,
)
from haven.vault.keyring import keyring_scope

AsylumHandover = Callable[[Membership, Stay, ReturnReview], None]
_ASYLUM_HANDOVERS: list[AsylumHandover] = []

ASSESSMENT_REFUSED = _("The fresh assessment could not run: %(problems)s")
REVIEW_EXISTS = _("This stay already has its return review.")
REVIEW_DECIDED = _("This return review was already decided.")
NO_REVIEW = _("Open the return review first.")
NOT_UNDER_WAY = _("The return review belongs to a stay under way, after the arrival.")
RETURN_BEFORE_ARRIVAL = _("The return cannot be before the arrival (%(arrived)s).")
RETURN_IN_FUTURE = _("A return cannot be recorded for a day that has not come.")
NO_RETURN_PLAN = _("Record the return plan first: security, the first 72 hours, contacts.")
NOT_RETURNED = _("Follow-ups start after the return is recorded.")
FOLLOW_UP_DONE = _("This follow-up was already recorded.")
OPTIONS_MISSING = _("Record at least one option weighed, and the decision among them.")

#: Follow-up findings that mean the defender faces a new threat after return.
THREAT_FINDINGS = {
    FollowUpStatus.THREATENED: "intimidation",
    FollowUpStatus.INCIDENT: "physical_attack",
    FollowUpStatus.DETAINED: "arbitrary_detention",
}


def register_asylum_handover(handler: AsylumHandover) -> None:
    """Have ``handler(membership, stay, review)`` run when a return review decides for asylum."""
    if handler not in _ASYLUM_HANDOVERS:
        _ASYLUM_HANDOVERS.append(handler)


@transaction.atomic
def return_review_open(
    *,
    membership: Membership,
    stay: Stay,
    staff_risk_level: str,
    defender_risk_level: str | None,
) -> ReturnReview:
    """
    Open the return review: run a fresh assessment on the case's current facts (the stay,
    incidents abroad and public activity included, so risk on return is weighed) and keep it
    with the review. Permission: STAY_MANAGE. Side effects: the assessment's own event and
    ``relocation.record_saved``; the case moves to the return review once a check-in exists.
    """
    stay = writable_stay(membership, Permission.STAY_MANAGE, stay)
    if stay.arrived_on is None:
        raise StayError(NOT_UNDER_WAY)
    if ReturnReview.objects.filter(stay=stay).exists():
        raise StayError(REVIEW_EXISTS)
    try:
        assessment = assessment_run(
            membership=membership,
            case=stay.case,
            staff_risk_level=staff_risk_level,
            defender_risk_level=defender_risk_level,
            staff_decision="",
        )
    except CaseError as error:
        raise StayError(ASSESSMENT_REFUSED, problems=str(error)) from None
    with keyring_scope():
        review = ReturnReview(
            **on_stay(stay, membership),
            assessment=assessment,
            options=[],
        )
        save_once(review, REVIEW_EXISTS)
    record_stay_event(membership, stay, EventType.STAY_RECORD_SAVED, record="return_review")
    case_follows_stay(
        membership, stay, source=CaseStatus.IN_RELOCATION, target=CaseStatus.RETURN_REVIEW
    )
    return review


@transaction.atomic
def return_review_decide(
    *,
    membership: Membership,
    stay: Stay,
    options: Iterable[str],
    defender_preference: str,
    staff_decision: str,
    legal_advice_offered: bool,
) -> ReturnReview:
    """
    Record the options weighed, the defender's own preference and the staff decision side by
    side; the defender decides whether to go home, the programme what it funds. A decision for
    asylum runs the asylum hand-over handlers. Permission: STAY_DECIDE. Side effect:
    ``relocation.record_saved`` with the decision only (never the defender's preference).
    """
    stay = writable_stay(membership, Permission.STAY_DECIDE, stay)
    review = ReturnReview.objects.select_for_update().filter(stay=stay).first()
    if review is None:
        raise StayError(NO_REVIEW)
    if review.decided_at is not None:
        raise StayError(REVIEW_DECIDED)
    weighed = sorted(set(options) | {staff_decision})
    if not staff_decision or not set(weighed) <= set(ReturnOption.values):
        raise StayError(OPTIONS_MISSING)
    with keyring_scope():
        review.options = weighed
        review.defender_preference = defender_preference
        review.staff_decision = staff_decision
        review.legal_advice_offered = legal_advice_offered
        review.defender_chooses_return = defender_preference == ReturnOption.RETURN
        review.decided_at = timezone.now()
        review.save()
    record_stay_event(
        membership,
        stay,
        EventType.STAY_RECORD_SAVED,
        record="return_review_decision",
        legal_advice_offered=legal_advice_offered,
    )
    if staff_decision == ReturnOption.ASYLUM:
        for handover in _ASYLUM_HANDOVERS:
            handover(membership, stay, review)
    return review


@transaction.atomic
def return_plan_save(
    *, membership: Membership, stay: Stay, security_plan: str, contacts: str, support: str
) -> ReturnPlan:
    """
    Save the return plan (one per stay, replaced as it firms up). Permission: STAY_MANAGE.
    Side effect: ``relocation.record_saved``.
    """
    stay = writable_stay(membership, Permission.STAY_MANAGE, stay)
    if not security_plan.strip():
        raise StayError(NO_RETURN_PLAN)
    with keyring_scope():
        plan = record_to_replace(ReturnPlan, stay, membership)
        plan.security_plan = security_plan.strip() or None
        plan.contacts = contacts.strip() or None
        plan.support = support.strip() or None
        plan.save()
    record_stay_event(membership, stay, EventType.STAY_RECORD_SAVED, record="return_plan")
    return plan


@transaction.atomic
def return_record(*, membership: Membership, stay: Stay, returned_on: datetime.date) -> Stay:
    """
    Record that the defender went home: the stay ends and the follow-ups are scheduled (design
    default: a day, a week, then 1, 3, 6 and 12 months). The case moves to follow-up when the
    review, the defender's choice to return and the return plan are all on record.
    Permission: STAY_MANAGE. Refused: a return before the arrival, or in the future.
    """
    stay = writable_stay(membership, Permission.STAY_MANAGE, stay)
    plan = ReturnPlan.objects.filter(stay=stay).first()
    if plan is None:
        raise StayError(NO_RETURN_PLAN)
    if stay.arrived_on is None or returned_on < stay.arrived_on:
        raise StayError(
            RETURN_BEFORE_ARRIVAL,
            arrived=stay.arrived_on.isoformat() if stay.arrived_on else "—",
        )
    if returned_on > timezone.localdate():
        raise StayError(RETURN_IN_FUTURE)
    plan.returned_on = returned_on
    plan.save(update_fields=["returned_on"])
    stay.ended_on = returned_on
    stay.status = StayStatus.ENDED
    stay.next_check_in_due = None
    stay.updated_at = timezone.now()
    stay.save(update_fields=["ended_on", "status", "next_check_in_due", "updated_at"])
    with keyring_scope():
        FollowUp.objects.bulk_create(
            FollowUp(
                **on_stay(stay, membership),
                due_on=due_on,
                findings={},
            )
            for due_on in follow_up_schedule(returned_on=returned_on)
        )
    record_stay_event(membership, stay, EventType.STAY_RECORD_SAVED, record="return")
    case_follows_stay(
        membership, stay, source=CaseStatus.RETURN_REVIEW, target=CaseStatus.RETURNED_FOLLOW_UP
    )
    return stay


@transaction.atomic
def follow_up_record(
    *,
    membership: Membership,
    follow_up: FollowUp,
    done_on: datetime.date,
    status: str,
    needs: str = "",
) -> FollowUp:
    """
    Record one follow-up after return. A threat, an incident or a detention enters the case's
    threat log (dated, after return), so the next assessment weighs it. Permission:
    STAY_MANAGE. Side effects: ``relocation.record_saved`` and, for a new threat, the threat's
    own event.
    """
    _reachable(membership, Permission.STAY_MANAGE, follow_up.stay)
    locked = FollowUp.objects.select_for_update().select_related("stay__case").get(pk=follow_up.pk)
    if locked.done_on is not None:
        raise StayError(FOLLOW_UP_DONE)
    if done_on > timezone.localdate():
        raise StayError(RETURN_IN_FUTURE)
    with keyring_scope():
        locked.done_on = done_on
        locked.findings = {"status": status}
        locked.note = needs.strip() or None
        locked.recorded_by = membership.user
        locked.save()
        if status in THREAT_FINDINGS:
            threat_record(
                membership=membership,
                case=locked.stay.case,
                details={
                    "kind": THREAT_FINDINGS[FollowUpStatus(status)],
                    "date": done_on.isoformat(),
                    "directed_at": "defender",
                    "ongoing": True,
                },
            )
    record_stay_event(membership, locked.stay, EventType.STAY_RECORD_SAVED, record="follow_up")
    return locked


@transaction.atomic
def outcome_record(*, membership: Membership, stay: Stay, outcome: str, on: datetime.date) -> Stay:
    """
    Record (or update) the stay's one primary outcome. Permission: STAY_DECIDE. The outcome is
    encrypted; the audit event says only that it changed.
    """
    _reachable(membership, Permission.STAY_DECIDE, stay)
    if outcome not in StayOutcome.values:
        raise Http404
    locked = lock_stay(stay)
    with keyring_scope():
        locked.outcome = outcome
        locked.outcome_on = on
        if outcome == StayOutcome.ENDED_EARLY and locked.ended_on is None:
            locked.ended_on = on
            locked.status = StayStatus.ENDED
        locked.save(update_fields=["outcome", "outcome_on", "ended_on", "status"])
    record_stay_event(membership, locked, EventType.STAY_RECORD_SAVED, record="outcome")
    return locked
