"""
Both regimes' outcome per case, kept as counts the report can read without decrypting anything.

``regime_refresh`` reads a case's current stay (the temporary relocation regime) and its asylum
procedure (the refugee regime), names where each stands (``haven.domain.asylum_procedure``), keeps
that encrypted in the case's ``CaseRegime`` row and moves one count in ``RegimeTally`` from the old
cell to the new one, in the caller's transaction. It runs after every procedure step and every
save of a stay (the outcome, the return), so the counts follow the records.
"""

from typing import Any

from django.db.models import F
from django.utils import timezone

from haven.asylum.models import CaseRegime, ProcedureStep, RegimeTally
from haven.cases.models import Case
from haven.domain.asylum_procedure import (
    AsylumSide,
    DecisionOutcome,
    RegimeOutcome,
    StaySide,
    Step,
    StepKind,
    asylum_side,
    regime_outcome,
)
from haven.relocations.case_records import current_stay
from haven.relocations.models import ReturnPlan, StayOutcome
from haven.vault.keyring import keyring_scope

_STAY_OUTCOME_SIDES = {
    StayOutcome.RETURNED_SAFE: StaySide.RETURNED,
    StayOutcome.RETURNED_THREATENED: StaySide.RETURNED,
    StayOutcome.RELOCATED_AGAIN: StaySide.RELOCATED_AGAIN,
    StayOutcome.SOUGHT_ASYLUM: StaySide.SOUGHT_ASYLUM,
    StayOutcome.RESETTLED: StaySide.RESETTLED,
    StayOutcome.ENDED_EARLY: StaySide.ENDED_EARLY,
}


def procedure_steps(case: Case) -> list[Step]:
    """The case's procedure as the domain reads it (needs an open key ring: outcomes are encrypted)."""
    steps = []
    for row in ProcedureStep.objects.filter(case=case).order_by("happened_on", "recorded_at"):
        outcome = (row.details or {}).get("outcome")
        steps.append(
            Step(
                kind=StepKind(row.kind),
                happened_on=row.happened_on,
                outcome=DecisionOutcome(outcome) if outcome else None,
                due_on=row.due_on,
            )
        )
    return steps


def stay_side(case: Case) -> StaySide:
    """Where the case's latest stay that was not cancelled left the defender."""
    stay = current_stay(case)
    if stay is None:
        return StaySide.NO_STAY
    if stay.outcome in _STAY_OUTCOME_SIDES:
        return _STAY_OUTCOME_SIDES[StayOutcome(stay.outcome)]
    if ReturnPlan.objects.filter(stay=stay, returned_on__isnull=False).exists():
        return StaySide.RETURNED
    return StaySide.IN_STAY


def _move_count(organisation_id: Any, stay: str, asylum: str, by: int) -> None:
    cell, _created = RegimeTally.objects.get_or_create(
        organisation_id=organisation_id, stay_side=stay, asylum_side=asylum
    )
    RegimeTally.objects.filter(pk=cell.pk).update(cases=F("cases") + by)


def regime_refresh(case: Case) -> RegimeOutcome | None:
    """
    Bring the case's regime row and the organisation's counts in line with its records; return
    both regimes' outcome. A case with neither a stay nor a claim is not counted.
    """
    with keyring_scope():
        stay = stay_side(case)
        asylum = asylum_side(procedure_steps(case))
        row = CaseRegime.objects.select_for_update().filter(case_id=case.pk).first()
        if row is None and stay is StaySide.NO_STAY and asylum is AsylumSide.NO_CLAIM:
            return None
        if row is not None and (row.stay_side, row.asylum_side) == (stay.value, asylum.value):
            return regime_outcome(stay, asylum)
        if row is not None and row.stay_side and row.asylum_side:
            _move_count(case.organisation_id, row.stay_side, row.asylum_side, -1)
        row = row or CaseRegime(case_id=case.pk, organisation_id=case.organisation_id)
        row.stay_side = stay.value
        row.asylum_side = asylum.value
        row.updated_at = timezone.now()
        row.save()
        _move_count(case.organisation_id, stay.value, asylum.value, 1)
    return regime_outcome(stay, asylum)


def regime_of(case: Case) -> tuple[StaySide, AsylumSide, RegimeOutcome | None]:
    """Both sides and the outcome for the case page, read from the records (open key ring)."""
    stay = stay_side(case)
    asylum = asylum_side(procedure_steps(case))
    return stay, asylum, regime_outcome(stay, asylum)
