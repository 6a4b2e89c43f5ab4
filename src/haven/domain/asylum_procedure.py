"""
The asylum procedure after a claim, and how the two regimes meet, as pure functions.

A claim moves through steps (``StepKind``): lodged, the Dublin determination, interview, decision,
appeal, final outcome and family reunification (the track of a claim in an EU host state). Each step
is dated; nothing but the lodging itself can come before the claim was lodged, and no step is dated
in the future (a coming interview or deadline is a step's ``due_on``, not its date). Every refusal
is a ``ProcedureProblem`` code; the Django side turns codes into translated sentences.

``regime_outcome`` reads the stay (the temporary relocation regime) and the procedure (the refugee
regime) of one case and names where the defender ended up: returned, claimed asylum, recognised,
complementary protection, refused or resettled; ``None`` while neither regime has an answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum, unique

__all__ = [
    "AsylumSide",
    "DecisionOutcome",
    "ProcedureProblem",
    "RegimeOutcome",
    "StaySide",
    "Step",
    "StepKind",
    "asylum_side",
    "next_procedure_due",
    "regime_outcome",
    "step_problems",
]


@unique
class StepKind(StrEnum):
    LODGED = "lodged"
    DUBLIN = "dublin"
    INTERVIEW = "interview"
    DECISION = "decision"
    APPEAL = "appeal"
    FINAL_OUTCOME = "final_outcome"
    FAMILY_REUNIFICATION = "family_reunification"


@unique
class DecisionOutcome(StrEnum):
    """A decision's or a final outcome's category: which regime, if any, protects the defender."""

    REFUGEE = "refugee"
    SUBSIDIARY = "subsidiary"
    HUMANITARIAN = "humanitarian"
    REFUSED = "refused"
    INADMISSIBLE = "inadmissible"
    DUBLIN_TRANSFER = "dublin_transfer"
    WITHDRAWN = "withdrawn"


#: Which outcomes a kind of step may carry; the other kinds carry none.
OUTCOMES_BY_KIND: dict[StepKind, frozenset[DecisionOutcome]] = {
    StepKind.DECISION: frozenset(DecisionOutcome) - {DecisionOutcome.WITHDRAWN},
    StepKind.FINAL_OUTCOME: frozenset(DecisionOutcome),
}


@unique
class ProcedureProblem(StrEnum):
    NOT_LODGED = "not_lodged"
    ALREADY_LODGED = "already_lodged"
    BEFORE_LODGED = "before_lodged"
    IN_FUTURE = "in_future"
    OUTCOME_NEEDED = "outcome_needed"
    OUTCOME_NOT_FOR_STEP = "outcome_not_for_step"
    DUE_BEFORE_STEP = "due_before_step"
    ALREADY_FINAL = "already_final"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    happened_on: datetime.date
    outcome: DecisionOutcome | None = None
    due_on: datetime.date | None = None


def _lodged_on(steps: Iterable[Step]) -> datetime.date | None:
    dates = [step.happened_on for step in steps if step.kind is StepKind.LODGED]
    return min(dates) if dates else None


def step_problems(
    new: Step, existing: Sequence[Step], *, today: datetime.date
) -> list[ProcedureProblem]:
    """Why ``new`` cannot join the procedure ``existing`` as it stands on ``today``; empty if it can."""
    problems: list[ProcedureProblem] = []
    lodged = _lodged_on(existing)
    if new.happened_on > today:
        problems.append(ProcedureProblem.IN_FUTURE)
    if new.kind is StepKind.LODGED:
        if lodged is not None:
            problems.append(ProcedureProblem.ALREADY_LODGED)
    elif lodged is None:
        problems.append(ProcedureProblem.NOT_LODGED)
    elif new.happened_on < lodged:
        problems.append(ProcedureProblem.BEFORE_LODGED)
    allowed = OUTCOMES_BY_KIND.get(new.kind, frozenset())
    if allowed and new.outcome is None:
        problems.append(ProcedureProblem.OUTCOME_NEEDED)
    if new.outcome is not None and new.outcome not in allowed:
        problems.append(ProcedureProblem.OUTCOME_NOT_FOR_STEP)
    if new.due_on is not None and new.due_on < new.happened_on:
        problems.append(ProcedureProblem.DUE_BEFORE_STEP)
    if new.kind is StepKind.FINAL_OUTCOME and any(
        step.kind is StepKind.FINAL_OUTCOME for step in existing
    ):
        problems.append(ProcedureProblem.ALREADY_FINAL)
    return problems


def next_procedure_due(steps: Iterable[Step], *, today: datetime.date) -> datetime.date | None:
    """The nearest date still to come that a step set (an interview, an appeal deadline)."""
    coming = [step.due_on for step in steps if step.due_on is not None and step.due_on >= today]
    return min(coming) if coming else None


@unique
class StaySide(StrEnum):
    """Where the temporary relocation regime left the defender."""

    NO_STAY = "no_stay"
    IN_STAY = "in_stay"
    RETURNED = "returned"
    RELOCATED_AGAIN = "relocated_again"
    SOUGHT_ASYLUM = "sought_asylum"
    RESETTLED = "resettled"
    ENDED_EARLY = "ended_early"


@unique
class AsylumSide(StrEnum):
    """Where the refugee regime stands for the defender."""

    NO_CLAIM = "no_claim"
    CLAIM_PENDING = "claim_pending"
    RECOGNISED = "recognised"
    COMPLEMENTARY_PROTECTION = "complementary_protection"
    REFUSED = "refused"


@unique
class RegimeOutcome(StrEnum):
    """Both regimes' outcome for one case, as the report counts it."""

    RETURNED = "returned"
    CLAIMED_ASYLUM = "claimed_asylum"
    RECOGNISED = "recognised"
    COMPLEMENTARY_PROTECTION = "complementary_protection"
    REFUSED = "refused"
    RESETTLED = "resettled"


_GRANTS = {
    DecisionOutcome.REFUGEE: AsylumSide.RECOGNISED,
    DecisionOutcome.SUBSIDIARY: AsylumSide.COMPLEMENTARY_PROTECTION,
    DecisionOutcome.HUMANITARIAN: AsylumSide.COMPLEMENTARY_PROTECTION,
}


def asylum_side(steps: Sequence[Step]) -> AsylumSide:
    """
    The refugee regime's answer: the final outcome when one is recorded; before it, a grant at
    first instance counts (grants are rarely appealed), while a refusal is not final until the
    appeal is over, so the claim stays pending.
    """
    if not any(step.kind is StepKind.LODGED for step in steps):
        return AsylumSide.NO_CLAIM
    finals = [step for step in steps if step.kind is StepKind.FINAL_OUTCOME]
    if finals and finals[-1].outcome is not None:
        outcome = finals[-1].outcome
        return _GRANTS.get(outcome, AsylumSide.REFUSED)
    decisions = [step for step in steps if step.kind is StepKind.DECISION]
    if decisions and decisions[-1].outcome in _GRANTS:
        return _GRANTS[decisions[-1].outcome]
    return AsylumSide.CLAIM_PENDING


_STAY_OUTCOMES = {
    StaySide.RETURNED: RegimeOutcome.RETURNED,
    StaySide.RESETTLED: RegimeOutcome.RESETTLED,
    StaySide.SOUGHT_ASYLUM: RegimeOutcome.CLAIMED_ASYLUM,
}
_ASYLUM_OUTCOMES = {
    AsylumSide.CLAIM_PENDING: RegimeOutcome.CLAIMED_ASYLUM,
    AsylumSide.RECOGNISED: RegimeOutcome.RECOGNISED,
    AsylumSide.COMPLEMENTARY_PROTECTION: RegimeOutcome.COMPLEMENTARY_PROTECTION,
    AsylumSide.REFUSED: RegimeOutcome.REFUSED,
}


def regime_outcome(stay: StaySide, asylum: AsylumSide) -> RegimeOutcome | None:
    """
    Both regimes' outcome: once a claim exists the refugee regime speaks (claimed, recognised,
    complementary protection, refused); without one the stay does (returned, resettled, or
    "sought asylum" recorded on the stay before the procedure was). ``None`` while still open.
    """
    if asylum is not AsylumSide.NO_CLAIM:
        return _ASYLUM_OUTCOMES[asylum]
    return _STAY_OUTCOMES.get(stay)
