"""
Moves the records make, not a person.

Once a stay's records meet every requirement of one of these moves, the case follows on its own:
an accepted offer opens the preparation; a confirmed arrival with the visa and the travel plan in
place starts the stay; an opened return review starts the review; a recorded return, after a
review in which the defender chose to go home and a return plan, starts the follow-up. In the
asylum bridge: a claim lodged (during the return review or pathway planning, with a protection
assessment on record, or during the stay itself) opens the bridge, and the defender's recorded, informed decision not to seek
asylum takes the case back to the return review or to pathway planning. Nobody's
role is asked, because nobody chooses: the records decide.
"""

from __future__ import annotations

from collections.abc import Iterable

from haven.domain.lifecycle.case import CASE_MACHINE
from haven.domain.lifecycle.machine import Transition, TransitionError
from haven.domain.lifecycle.states import CaseStatus

RECORD_DRIVEN_MOVES: frozenset[tuple[CaseStatus, CaseStatus]] = frozenset(
    {
        (CaseStatus.APPLYING, CaseStatus.RELOCATION_PREPARATION),
        (CaseStatus.RELOCATION_PREPARATION, CaseStatus.IN_RELOCATION),
        (CaseStatus.IN_RELOCATION, CaseStatus.RETURN_REVIEW),
        (CaseStatus.RETURN_REVIEW, CaseStatus.RETURNED_FOLLOW_UP),
        (CaseStatus.RETURN_REVIEW, CaseStatus.ASYLUM_BRIDGE),
        (CaseStatus.PATHWAY_PLANNING, CaseStatus.ASYLUM_BRIDGE),
        # A claim lodged mid-stay, before any return review: the claim is a fact of record.
        (CaseStatus.IN_RELOCATION, CaseStatus.ASYLUM_BRIDGE),
        (CaseStatus.ASYLUM_BRIDGE, CaseStatus.RETURN_REVIEW),
        (CaseStatus.ASYLUM_BRIDGE, CaseStatus.PATHWAY_PLANNING),
        # A relocation cancelled before departure sends the case back to pathway planning.
        (CaseStatus.RELOCATION_PREPARATION, CaseStatus.PATHWAY_PLANNING),
    }
)


def follow_records(
    status: CaseStatus, target: CaseStatus, *, satisfied: Iterable[str]
) -> Transition[CaseStatus]:
    """
    Return the record-driven transition from ``status`` to ``target`` when the records (stated
    in ``satisfied``) meet all its requirements; raise ``TransitionError`` otherwise.
    """
    if (status, target) not in RECORD_DRIVEN_MOVES:
        raise TransitionError(
            f"A case does not move from {status.value} to {target.value} by its records.",
            reasons=(f"no record-driven move from {status.value} to {target.value}",),
        )
    met = frozenset(satisfied)
    for transition in CASE_MACHINE.transitions_from(status):
        if transition.target == target:
            missing = tuple(
                f"needs: {requirement.description}"
                for requirement in transition.requirements
                if requirement not in met
            )
            if missing:
                raise TransitionError(
                    f"A case cannot move from {status.value} to {target.value} yet: "
                    + "; ".join(missing)
                    + ".",
                    reasons=missing,
                )
            return transition
    raise TransitionError(f"no transition from {status.value} to {target.value}")
