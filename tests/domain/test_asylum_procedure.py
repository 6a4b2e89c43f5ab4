"""The asylum procedure's order of steps and both regimes' outcome, as pure rules."""

import datetime

import pytest

from haven.domain.asylum_procedure import (
    AsylumSide,
    DecisionOutcome,
    ProcedureProblem,
    RegimeOutcome,
    StaySide,
    Step,
    StepKind,
    asylum_side,
    next_procedure_due,
    regime_outcome,
    step_problems,
)

TODAY = datetime.date(2026, 6, 1)
LODGED = Step(StepKind.LODGED, datetime.date(2026, 5, 1))


def test_nothing_but_the_lodging_comes_first():
    interview = Step(StepKind.INTERVIEW, datetime.date(2026, 5, 2))
    assert step_problems(interview, [], today=TODAY) == [ProcedureProblem.NOT_LODGED]
    assert step_problems(interview, [LODGED], today=TODAY) == []


def test_a_step_before_the_lodging_or_in_the_future_is_refused():
    early = Step(StepKind.INTERVIEW, datetime.date(2026, 4, 30))
    future = Step(StepKind.INTERVIEW, datetime.date(2026, 6, 2))
    assert step_problems(early, [LODGED], today=TODAY) == [ProcedureProblem.BEFORE_LODGED]
    assert step_problems(future, [LODGED], today=TODAY) == [ProcedureProblem.IN_FUTURE]


def test_outcomes_belong_to_decisions_and_final_outcomes_only():
    day = datetime.date(2026, 5, 20)
    assert step_problems(Step(StepKind.DECISION, day), [LODGED], today=TODAY) == [
        ProcedureProblem.OUTCOME_NEEDED
    ]
    assert step_problems(
        Step(StepKind.INTERVIEW, day, DecisionOutcome.REFUGEE), [LODGED], today=TODAY
    ) == [ProcedureProblem.OUTCOME_NOT_FOR_STEP]
    assert step_problems(
        Step(StepKind.DECISION, day, DecisionOutcome.WITHDRAWN), [LODGED], today=TODAY
    ) == [ProcedureProblem.OUTCOME_NOT_FOR_STEP]


def test_one_lodging_and_one_final_outcome():
    final = Step(StepKind.FINAL_OUTCOME, datetime.date(2026, 5, 25), DecisionOutcome.REFUSED)
    assert ProcedureProblem.ALREADY_LODGED in step_problems(LODGED, [LODGED], today=TODAY)
    assert ProcedureProblem.ALREADY_FINAL in step_problems(final, [LODGED, final], today=TODAY)


def test_the_next_date_is_the_nearest_to_come():
    steps = [
        Step(StepKind.LODGED, datetime.date(2026, 5, 1), due_on=datetime.date(2026, 5, 15)),
        Step(
            StepKind.DECISION,
            datetime.date(2026, 5, 20),
            DecisionOutcome.REFUSED,
            due_on=datetime.date(2026, 6, 20),
        ),
        Step(StepKind.INTERVIEW, datetime.date(2026, 5, 10), due_on=datetime.date(2026, 6, 10)),
    ]
    assert next_procedure_due(steps, today=TODAY) == datetime.date(2026, 6, 10)
    assert next_procedure_due([], today=TODAY) is None


@pytest.mark.parametrize(
    "steps, side",
    [
        ([], AsylumSide.NO_CLAIM),
        ([LODGED], AsylumSide.CLAIM_PENDING),
        (
            [LODGED, Step(StepKind.DECISION, TODAY, DecisionOutcome.REFUSED)],
            AsylumSide.CLAIM_PENDING,
        ),
        ([LODGED, Step(StepKind.DECISION, TODAY, DecisionOutcome.REFUGEE)], AsylumSide.RECOGNISED),
        (
            [LODGED, Step(StepKind.DECISION, TODAY, DecisionOutcome.HUMANITARIAN)],
            AsylumSide.COMPLEMENTARY_PROTECTION,
        ),
        (
            [
                LODGED,
                Step(StepKind.DECISION, TODAY, DecisionOutcome.REFUSED),
                Step(StepKind.FINAL_OUTCOME, TODAY, DecisionOutcome.SUBSIDIARY),
            ],
            AsylumSide.COMPLEMENTARY_PROTECTION,
        ),
        (
            [LODGED, Step(StepKind.FINAL_OUTCOME, TODAY, DecisionOutcome.WITHDRAWN)],
            AsylumSide.REFUSED,
        ),
    ],
)
def test_the_refugee_regimes_answer(steps, side):
    assert asylum_side(steps) is side


def test_a_claim_speaks_before_the_stay():
    assert regime_outcome(StaySide.RETURNED, AsylumSide.NO_CLAIM) is RegimeOutcome.RETURNED
    assert regime_outcome(StaySide.RESETTLED, AsylumSide.NO_CLAIM) is RegimeOutcome.RESETTLED
    assert (
        regime_outcome(StaySide.SOUGHT_ASYLUM, AsylumSide.NO_CLAIM) is RegimeOutcome.CLAIMED_ASYLUM
    )
    assert (
        regime_outcome(StaySide.IN_STAY, AsylumSide.CLAIM_PENDING) is RegimeOutcome.CLAIMED_ASYLUM
    )
    assert regime_outcome(StaySide.SOUGHT_ASYLUM, AsylumSide.RECOGNISED) is RegimeOutcome.RECOGNISED
    assert regime_outcome(StaySide.IN_STAY, AsylumSide.NO_CLAIM) is None
