"""
The asylum procedure and its effects on the stay: each step (the claim lodged, which sets the
stay's outcome and moves the case into the asylum bridge; interviews, decisions, appeals) with the
case's next deadline, and each decision a claim brought about for the stipend, housing or visa.
"""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.asylum.errors import AsylumError
from haven.asylum.models import (
    DECISIONS_BY_ASPECT,
    PROCEDURE_OUTCOMES,
    PROCEDURE_STEP_KINDS,
    ProcedureStep,
    StayAspect,
    StayEffect,
)
from haven.asylum.regimes import procedure_steps, regime_refresh
from haven.asylum.services.common import audit_record, case_for
from haven.audit.events import EventType
from haven.cases.models import Case, CaseStatus
from haven.cases.services import case_follow_records
from haven.cases.services.guards import on_case, touch
from haven.cases.services.receipts import form_receipt_claim
from haven.domain.asylum_procedure import (
    DecisionOutcome,
    ProcedureProblem,
    Step,
    StepKind,
    next_procedure_due,
    step_problems,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.case_records import current_stay
from haven.relocations.models import Stay, StayOutcome
from haven.vault.keyring import keyring_scope

LODGING_NEEDS_PLACE = _("Say in which state, and with which authority, the claim was lodged.")
UNKNOWN_STEP = _("Choose the kind of step from the list.")
UNKNOWN_EFFECT = _("Choose a decision that belongs to the aspect of the stay.")
EFFECT_IN_FUTURE = _("Record an effect once it is decided, dated no later than today.")


@dataclass(frozen=True)
class StepInput:
    kind: str
    happened_on: datetime.date
    due_on: datetime.date | None = None
    state: str = ""
    authority: str = ""
    reference: str = ""
    outcome: str = ""
    dependants: int | None = None
    note: str = ""


def _stay_sought_asylum(case: Case, step: StepInput) -> Stay | None:
    """
    The stay whose outcome a claim lodged sets to "sought asylum": the case's current stay, once
    the defender has arrived, when the claim is lodged in its host state. A claim lodged elsewhere
    (after onward travel) says nothing about this stay's outcome, and is left to staff.
    """
    stay = current_stay(case)
    if stay is None or stay.arrived_on is None:
        return None
    if (step.state or "").upper() != stay.host_country.upper():
        return None
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    with keyring_scope():
        if locked.outcome == StayOutcome.SOUGHT_ASYLUM:
            return None
        locked.outcome = StayOutcome.SOUGHT_ASYLUM
        locked.outcome_on = step.happened_on
        locked.save(update_fields=["outcome", "outcome_on"])
    return locked


@transaction.atomic
def procedure_step_record(
    *,
    membership: Membership,
    case: Case,
    step: StepInput,
    submission_token: uuid.UUID | None = None,
) -> ProcedureStep:
    """
    Record one step of the asylum procedure. Nothing but the lodging may come before the claim
    was lodged; a step is dated no later than today (an interview to come or a deadline is its
    "next date", which My cases shows as the case's next deadline when it is the nearest).

    Permission: ASYLUM_RECORD on the case. Side effects: ``asylum.procedure_step_recorded``; the
    case's next deadline; both regimes' counts. A claim lodged in the host state of the case's
    stay sets that stay's outcome to "sought asylum" (dated the day it was lodged; the event names
    the stay's id, never the outcome), and moves the case into the asylum bridge from the stay
    itself, the return review or pathway planning (``RECORD_DRIVEN_MOVES``). Raises AsylumError
    (nothing saved).
    """
    case = case_for(membership, case, Permission.ASYLUM_RECORD)
    if step.kind not in PROCEDURE_STEP_KINDS.values or (
        step.outcome and step.outcome not in PROCEDURE_OUTCOMES.values
    ):
        raise AsylumError(UNKNOWN_STEP)
    if step.kind == StepKind.LODGED and not (step.state and step.authority.strip()):
        raise AsylumError(LODGING_NEEDS_PLACE)
    today = timezone.localdate()
    with keyring_scope():
        existing = procedure_steps(case)
        new = Step(
            kind=StepKind(step.kind),
            happened_on=step.happened_on,
            outcome=DecisionOutcome(step.outcome) if step.outcome else None,
            due_on=step.due_on,
        )
        problems = step_problems(new, existing, today=today)
        if problems:
            _refuse_step(problems[0], existing)
        form_receipt_claim(token=submission_token, case=case)
        details: dict[str, object] = {
            key: value
            for key, value in {
                "state": step.state,
                "authority": step.authority.strip(),
                "reference": step.reference.strip(),
                "outcome": step.outcome,
            }.items()
            if value
        }
        if step.dependants is not None:
            details["dependants"] = step.dependants
        record = ProcedureStep(
            **on_case(case, membership),
            kind=step.kind,
            happened_on=step.happened_on,
            due_on=step.due_on,
            details=details,
            note=step.note.strip() or None,
        )
        record.save()
        due = next_procedure_due([*existing, new], today=today)
    stay = _stay_sought_asylum(case, step) if step.kind == StepKind.LODGED else None
    record_action(
        EventType.ASYLUM_STEP_RECORDED,
        membership,
        case,
        {"record": str(record.pk)} | ({"stay": str(stay.pk)} if stay is not None else {}),
    )
    _follow_due(case, due, today)
    regime_refresh(case)
    if step.kind == StepKind.LODGED:
        sources = (CaseStatus.IN_RELOCATION, CaseStatus.RETURN_REVIEW, CaseStatus.PATHWAY_PLANNING)
        for source in sources:
            case_follow_records(
                membership=membership, case=case, source=source, target=CaseStatus.ASYLUM_BRIDGE
            )
    return record


STEP_PROBLEMS = {
    ProcedureProblem.NOT_LODGED: _("Record where and when the claim was lodged first."),
    ProcedureProblem.ALREADY_LODGED: _("The claim's lodging is already recorded."),
    ProcedureProblem.BEFORE_LODGED: _(
        "This step is dated before the claim was lodged (%(lodged)s): check the date."
    ),
    ProcedureProblem.IN_FUTURE: _(
        "A step cannot be dated in the future; put a coming interview or deadline in “Next date”."
    ),
    ProcedureProblem.OUTCOME_NEEDED: _("A decision or final outcome needs its outcome."),
    ProcedureProblem.OUTCOME_NOT_FOR_STEP: _("This kind of step has no such outcome."),
    ProcedureProblem.DUE_BEFORE_STEP: _("The next date cannot be before the step itself."),
    ProcedureProblem.ALREADY_FINAL: _("The final outcome is already recorded."),
}


def _refuse_step(problem: ProcedureProblem, existing: Sequence[Step]) -> None:
    lodged = [s.happened_on for s in existing if s.kind is StepKind.LODGED]
    if problem is ProcedureProblem.BEFORE_LODGED:
        raise AsylumError(STEP_PROBLEMS[problem], lodged=min(lodged).isoformat())
    raise AsylumError(STEP_PROBLEMS[problem])


def _follow_due(case: Case, due: datetime.date | None, today: datetime.date) -> None:
    """Make the procedure's nearest coming date the case's next deadline when it is nearer."""
    current = case.next_due_on
    if due is None or (current is not None and today <= current <= due):
        return
    touch(case, next_due_on=due)


@transaction.atomic
def stay_effect_record(
    *,
    membership: Membership,
    case: Case,
    aspect: str,
    decision: str,
    effective_on: datetime.date,
    note: str = "",
) -> StayEffect:
    """
    Record one decision a claim brought about for the stay (stipend, housing, visa status), dated.
    Permission: ASYLUM_RECORD on the case. Side effect: ``asylum.stay_effect_recorded``.
    """
    case = case_for(membership, case, Permission.ASYLUM_RECORD)
    if aspect not in StayAspect.values or decision not in DECISIONS_BY_ASPECT[StayAspect(aspect)]:
        raise AsylumError(UNKNOWN_EFFECT)
    if effective_on > timezone.localdate():
        raise AsylumError(EFFECT_IN_FUTURE)
    with keyring_scope():
        effect = StayEffect(
            **on_case(case, membership),
            stay=current_stay(case),
            effective_on=effective_on,
            aspect=aspect,
            decision=decision,
            note=note.strip() or None,
        )
        effect.save()
    audit_record(EventType.ASYLUM_STAY_EFFECT_RECORDED, membership, case, effect)
    return effect
