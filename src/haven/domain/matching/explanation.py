"""
Plain-word reasons for every applicant left unplaced, one per listed option.

The problem format carries no eligibility rule names: the options list *is* the eligibility
engine's verdict, so an applicant without options is told exactly that. For each option the
reason is a fact checked against the final assignment, never a guess about the solver's
reasoning: the placement can never hold the family; every unit of it went to higher tiers; the
applicant scored below the lowest-scored same-tier applicant placed there (by how many points);
or it lacks the free units they need. When the result is not proven optimal a placement may still
have room, and the reason then says the time limit stopped the search.
"""

from collections import defaultdict

import numpy as np

from haven.domain.matching.greedy import UNPLACED
from haven.domain.matching.problem import IntArray, MatchingProblem

NO_OPTIONS = "no eligible placement (the eligibility engine listed none)"


def _units(amount: int, resource: str) -> str:
    return f"{amount} {resource}"


def explain_unplaced(problem: MatchingProblem, assignment: IntArray) -> dict[int, list[str]]:
    """Return applicant index -> reasons, for every applicant the assignment leaves unplaced."""
    placed = assignment != UNPLACED
    usage = np.zeros_like(problem.capacity)
    np.add.at(usage, assignment[placed], problem.demand[placed])
    free = problem.capacity - usage
    occupants: dict[int, list[int]] = defaultdict(list)
    for applicant in np.flatnonzero(placed).tolist():
        occupants[int(assignment[applicant])].append(applicant)
    placed_score = np.zeros(problem.applicant_count, dtype=np.int64)
    mine = assignment[problem.option_applicant] == problem.option_placement
    placed_score[problem.option_applicant[mine]] = problem.option_score[mine]

    reasons: dict[int, list[str]] = {
        applicant: [] for applicant in np.flatnonzero(~placed).tolist()
    }
    tiers = problem.tiers.tolist()
    for option in np.flatnonzero(~placed[problem.option_applicant]).tolist():
        applicant = int(problem.option_applicant[option])
        placement = int(problem.option_placement[option])
        reasons[applicant].append(
            _option_reason(
                problem,
                applicant=applicant,
                placement=placement,
                score=int(problem.option_score[option]),
                free=free[placement],
                holders=occupants[placement],
                tiers=tiers,
                placed_score=placed_score,
            )
        )
    for listed in reasons.values():
        if not listed:
            listed.append(NO_OPTIONS)
    return reasons


def _option_reason(
    problem: MatchingProblem,
    *,
    applicant: int,
    placement: int,
    score: int,
    free: IntArray,
    holders: list[int],
    tiers: list[int],
    placed_score: IntArray,
) -> str:
    name = problem.placement_ids[placement]
    need = problem.demand[applicant]
    capacity = problem.capacity[placement]
    for resource, label in enumerate(problem.resources):
        if need[resource] > capacity[resource]:
            return (
                f"{name} can never hold them: they need {_units(int(need[resource]), label)} "
                f"and it has {int(capacity[resource])} in total"
            )
    short = [
        resource for resource in range(len(problem.resources)) if need[resource] > free[resource]
    ]
    if not short:
        return (
            f"{name} still has room for them, but the search stopped at its time limit "
            "before placing them"
        )
    tier = tiers[applicant]
    if all(tiers[holder] > tier for holder in holders):
        return f"{name} is full with applicants of higher tiers"
    same_tier = [int(placed_score[holder]) for holder in holders if tiers[holder] == tier]
    if same_tier and score < min(same_tier):
        return (
            f"below the score of the lowest-scored applicant of the same tier placed at {name} "
            f"by {min(same_tier) - score} points"
        )
    if same_tier and score == min(same_tier):
        return (
            f"tied at score {score} with the lowest-scored applicant of the same tier placed "
            f"at {name}"
        )
    lower_usage = sum(
        (problem.demand[holder] for holder in holders if tiers[holder] < tier),
        start=np.zeros(len(problem.resources), dtype=np.int64),
    )
    shortfalls = ", ".join(
        f"{_units(int(free[resource]), problem.resources[resource])} free of "
        f"{int(need[resource])} needed"
        for resource in short
    )
    if not any(tiers[holder] < tier for holder in holders):
        return (
            f"{name} lacks room for them ({shortfalls}); the rest is held by applicants of the "
            "same or a higher tier"
        )
    if any(need[resource] > free[resource] + lower_usage[resource] for resource in short):
        return (
            f"{name} lacks room for them ({shortfalls}), even counting what its lower-tier "
            "applicants hold"
        )
    return (
        f"{name} lacks room for them ({shortfalls}) while lower-tier applicants hold enough; "
        "the search stopped at its time limit before rearranging them"
    )
