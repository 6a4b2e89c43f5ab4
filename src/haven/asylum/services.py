"""
Every write to the asylum bridge, one function per use case.

Each takes the acting member first, checks its permission here (the case's own rule decides who
sees the case: a member who may not gets Http404), runs in one transaction with one audit event
holding ids only (never a decision, an outcome or a word of the content: the event's type already
says enough), and lets the case follow its records (``cases.services.case_follow_records``).
Refusals are ``AsylumError`` with a sentence the member can act on; nothing is half-saved.
"""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import record_action
from haven.asylum.access import may_reach_case_records
from haven.asylum.models import (
    DECISIONS_BY_ASPECT,
    OPINION_FINDINGS,
    OPINION_OUTCOMES,
    PROCEDURE_OUTCOMES,
    PROCEDURE_STEP_KINDS,
    REQUIRED_TOPICS,
    ConsentConversation,
    ConsentDecision,
    ElementView,
    ExplainedItem,
    ExplainedTopic,
    LegalOpinion,
    ProcedureStep,
    StayAspect,
    StayEffect,
)
from haven.asylum.regimes import procedure_steps, regime_refresh
from haven.audit.events import EventType
from haven.cases.models import Assessment, Case, CaseStatus
from haven.cases.services import case_follow_records
from haven.cases.services.guards import on_case, touch
from haven.cases.services.receipts import form_receipt_claim
from haven.cases.vocabulary import term
from haven.domain.asylum_procedure import (
    DecisionOutcome,
    ProcedureProblem,
    Step,
    StepKind,
    next_procedure_due,
    step_problems,
)
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.programmes.catalogue import asylum_policy_text
from haven.relocations.case_records import current_stay
from haven.relocations.models import ReturnReview, Stay, StayOutcome
from haven.vault.keyring import keyring_scope


class AsylumError(ApplicationError):
    """A refused write to the asylum bridge; nothing was saved."""


def _case_for(membership: Membership, case: Case, permission: Permission) -> Case:
    """Re-read the case locked for this transaction; 404 for anyone who may not write to it."""
    if not may_reach_case_records(membership, permission, case):
        raise Http404
    locked: Case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("data_key__organisation_key")
        .get(pk=case.pk)
    )
    return locked


def _audit(event: EventType, membership: Membership, case: Case, record: object) -> None:
    record_action(event, membership, case, {"record": str(getattr(record, "pk", ""))})


def asylum_records_viewed(*, membership: Membership, case: Case) -> None:
    """
    Record that a member opened a case's asylum records, as ``case_viewed`` does for the case
    page (T3: bulk browsing by an insider shows in the audit log). Permission: ASYLUM_VIEW on the
    case. Side effect: one ``asylum.records_viewed`` event with no data.
    """
    if not may_reach_case_records(membership, Permission.ASYLUM_VIEW, case):
        raise Http404
    record_action(EventType.ASYLUM_RECORDS_VIEWED, membership, case, {})


# --- The informed-consent conversation ---------------------------------------------------------


NO_PRESSURE_NOT_ATTESTED = _(
    "Confirm that no pressure was applied either way: the conversation cannot be recorded "
    "without it."
)
EXPLAINER_NOT_ON_TEAM = _("The person who explained must be an active member of this organisation.")


@transaction.atomic
def consent_conversation_record(
    *,
    membership: Membership,
    case: Case,
    held_on: datetime.date,
    explained: Mapping[str, str],
    explained_by: Membership,
    language: str,
    interpreter: str,
    decision: str,
    wishes: str,
    no_pressure_attested: bool,
    submission_token: uuid.UUID | None = None,
) -> ConsentConversation:
    """
    Record one informed-consent conversation: each topic explained (``explained`` maps a topic to
    how it was put, possibly empty) becomes its own record, with who explained it and when; the
    language and any interpreter, the programme's asylum policy as worded then, the defender's
    decision and wishes, and the attestation that no pressure was applied either way.

    Permission: ASYLUM_RECORD on the case. Side effect: one ``asylum.consent_recorded`` event; a
    defender who does not want to seek asylum takes the case out of the asylum bridge (back to the
    return review while a stay is under way, else to pathway planning). Raises AsylumError.
    """
    case = _case_for(membership, case, Permission.ASYLUM_RECORD)
    if not no_pressure_attested:
        raise AsylumError(NO_PRESSURE_NOT_ATTESTED)
    _refuse_unfit_conversation(explained, decision, wishes, language, held_on)
    if explained_by.organisation_id != case.organisation_id or not explained_by.is_active:
        raise AsylumError(EXPLAINER_NOT_ON_TEAM)
    form_receipt_claim(token=submission_token, case=case)
    stay = current_stay(case)
    with keyring_scope():
        conversation = ConsentConversation(
            **on_case(case, membership),
            stay=stay,
            held_on=held_on,
            language=language.strip(),
            interpreter=interpreter.strip() or None,
            policy_shown=asylum_policy_text(stay.programme) if stay is not None else None,
            decision=decision,
            wishes=wishes.strip(),
            no_pressure_attested=True,
            defender_declines=decision == ConsentDecision.NOT_SEEKING,
        )
        conversation.save()
        ExplainedItem.objects.bulk_create(
            ExplainedItem(
                **on_case(case, membership),
                conversation=conversation,
                topic=topic,
                explained_by=explained_by.user,
                explained_on=held_on,
                note=(explained[topic] or "").strip() or None,
            )
            for topic in ExplainedTopic.values
            if topic in explained
        )
    _audit(EventType.ASYLUM_CONSENT_RECORDED, membership, case, conversation)
    if decision == ConsentDecision.NOT_SEEKING:
        _follow_decline(membership, case)
    return conversation


UNKNOWN_TOPIC = _("Choose what was explained from the list.")
TOPICS_MISSING = _(
    "A conversation must explain that the right to seek asylum cannot be waived, and how to "
    "reach independent legal advice."
)
UNKNOWN_DECISION = _("Choose the defender's decision from the list.")
WISHES_MISSING = _("Write down the defender's wishes in their own words.")
LANGUAGE_MISSING = _("Say in which language the conversation was held.")
HELD_IN_FUTURE = _("A conversation cannot be recorded for a day that has not come.")


def _refuse_unfit_conversation(
    explained: Mapping[str, str],
    decision: str,
    wishes: str,
    language: str,
    held_on: datetime.date,
) -> None:
    """
    Refuse a conversation record that leaves out what it must say: known topics including the
    required ones, the defender's decision and wishes, its language, and a day that has come.
    """
    if not set(explained) <= set(ExplainedTopic.values):
        raise AsylumError(UNKNOWN_TOPIC)
    if not set(explained) >= REQUIRED_TOPICS:
        raise AsylumError(TOPICS_MISSING)
    if decision not in ConsentDecision.values:
        raise AsylumError(UNKNOWN_DECISION)
    if not wishes.strip():
        raise AsylumError(WISHES_MISSING)
    if not language.strip():
        raise AsylumError(LANGUAGE_MISSING)
    if held_on > timezone.localdate():
        raise AsylumError(HELD_IN_FUTURE)


def _follow_decline(membership: Membership, case: Case) -> None:
    """Out of the asylum bridge: to the return review while a stay is under way, else planning."""
    stay = current_stay(case)
    under_way = (
        stay is not None
        and stay.ended_on is None
        and ReturnReview.objects.filter(stay=stay).exists()
    )
    case_follow_records(
        membership=membership,
        case=case,
        source=CaseStatus.ASYLUM_BRIDGE,
        target=CaseStatus.RETURN_REVIEW if under_way else CaseStatus.PATHWAY_PLANNING,
    )


ALREADY_WITHDRAWN = _("This conversation was already withdrawn.")


@transaction.atomic
def consent_conversation_withdraw(
    *, membership: Membership, conversation: ConsentConversation
) -> ConsentConversation:
    """
    Withdraw a conversation (the defender withdrew what they said, or it was recorded on the
    wrong case): it stays as history, marked withdrawn, and no longer counts for anything.
    Permission: ASYLUM_RECORD on its case. Side effect: ``asylum.consent_withdrawn``.
    """
    case = _case_for(membership, conversation.case, Permission.ASYLUM_RECORD)
    locked = ConsentConversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.withdrawn_at is not None:
        raise AsylumError(ALREADY_WITHDRAWN)
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = membership.user
    locked.defender_declines = False
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "defender_declines"])
    _audit(EventType.ASYLUM_CONSENT_WITHDRAWN, membership, case, locked)
    return locked


# --- The legal opinion -------------------------------------------------------------------------


NO_PROTECTION_OUTPUT = _("This assessment has no protection findings to give an opinion on.")
ELEMENTS_MISSING = _("Give a view on every element: %(elements)s.")
DISAGREEMENT_WITHOUT_REASONS = _(
    "A disagreement needs reasons: say why you disagree on %(elements)s."
)
DISAGREEMENT_SAME_FINDING = _(
    "You disagree on %(elements)s but chose the engine's own finding: choose your finding."
)
UNKNOWN_FINDING = _("Choose a finding from the list.")
OVERALL_MISSING = _("Give your overall opinion, with its reasons.")


@dataclass(frozen=True)
class ElementOpinion:
    """The adviser's view on one element: agree, or disagree with a finding, reasons and sources."""

    view: str
    finding: str = ""
    reasons: str = ""
    sources: str = ""


def engine_elements(assessment: Assessment) -> dict[str, str]:
    """The protection engine's finding per element in ``assessment`` (open key ring)."""
    protection = (assessment.output or {}).get("protection") or {}
    return {
        name: str(element.get("finding", ""))
        for name, element in (protection.get("elements") or {}).items()
    }


@transaction.atomic
def legal_opinion_record(
    *,
    membership: Membership,
    case: Case,
    assessment: Assessment,
    elements: Mapping[str, ElementOpinion],
    overall: str,
    overall_reasons: str,
) -> LegalOpinion:
    """
    Record a legal adviser's opinion on ``assessment``, element by element, beside the engine's
    outcome, findings and version as they were. A disagreement needs reasons and a finding of the
    adviser's own; every element needs a view. The opinion diverges when any element is disagreed
    with or the overall opinion differs from the engine's outcome: the case page then shows it.

    Permission: ASYLUM_LEGAL_OPINION on the case. Side effect: ``asylum.opinion_recorded``.
    Raises AsylumError (nothing saved).
    """
    case = _case_for(membership, case, Permission.ASYLUM_LEGAL_OPINION)
    if assessment.case_id != case.pk:
        raise Http404
    with keyring_scope():
        engine = engine_elements(assessment)
        engine_outcome = str(((assessment.output or {}).get("protection") or {}).get("outcome", ""))
        if not engine:
            raise AsylumError(NO_PROTECTION_OUTPUT)
        missing = [name for name in engine if name not in elements]
        if missing or any(
            elements[name].view not in ElementView.values for name in engine if name in elements
        ):
            raise AsylumError(ELEMENTS_MISSING, elements=_names(missing or list(engine)))
        disagreed = [name for name in engine if elements[name].view == ElementView.DISAGREE]
        if any(elements[name].finding not in OPINION_FINDINGS.values for name in disagreed):
            raise AsylumError(UNKNOWN_FINDING)
        unreasoned = [name for name in disagreed if not elements[name].reasons.strip()]
        if unreasoned:
            raise AsylumError(DISAGREEMENT_WITHOUT_REASONS, elements=_names(unreasoned))
        same = [name for name in disagreed if elements[name].finding == engine[name]]
        if same:
            raise AsylumError(DISAGREEMENT_SAME_FINDING, elements=_names(same))
        if overall not in OPINION_OUTCOMES.values or not overall_reasons.strip():
            raise AsylumError(OVERALL_MISSING)
        opinion = LegalOpinion(
            **on_case(case, membership),
            assessment=assessment,
            engine_version=assessment.engine_version,
            engine_outcome=engine_outcome,
            elements={
                name: {
                    "engine": engine[name],
                    "view": elements[name].view,
                    "finding": (
                        elements[name].finding
                        if elements[name].view == ElementView.DISAGREE
                        else engine[name]
                    ),
                    "reasons": elements[name].reasons.strip(),
                    "sources": elements[name].sources.strip(),
                }
                for name in engine
            },
            overall=overall,
            overall_reasons=overall_reasons.strip(),
            diverges=bool(disagreed) or overall != engine_outcome,
        )
        opinion.save()
    _audit(EventType.ASYLUM_OPINION_RECORDED, membership, case, opinion)
    return opinion


def _names(elements: Sequence[str]) -> str:
    return ", ".join(term(name) for name in elements)


# --- The procedure -----------------------------------------------------------------------------


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


@transaction.atomic
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
    case = _case_for(membership, case, Permission.ASYLUM_RECORD)
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
    case = _case_for(membership, case, Permission.ASYLUM_RECORD)
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
    _audit(EventType.ASYLUM_STAY_EFFECT_RECORDED, membership, case, effect)
    return effect
