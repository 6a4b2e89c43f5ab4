"""
Measuring an assignment: feasibility, placements per tier, total score, lexicographic order.

Every assignment the engine returns passes ``check_feasible`` first, whichever solver produced
it: the solvers work in floating point, and a rounding slip must surface as an error here rather
than as a family promised beds that do not exist.
"""

import numpy as np
import numpy.typing as npt

from haven.domain.matching.greedy import UNPLACED
from haven.domain.matching.problem import IntArray, MatchingProblem


class InfeasibleAssignmentError(AssertionError):
    """A solver produced an assignment that breaks a capacity or uses an unlisted option."""


def assigned_options(problem: MatchingProblem, assignment: IntArray) -> npt.NDArray[np.bool_]:
    """Return a mask over options: True where the option is the one its applicant was given."""
    mask: npt.NDArray[np.bool_] = assignment[problem.option_applicant] == problem.option_placement
    return mask


def check_feasible(problem: MatchingProblem, assignment: IntArray) -> None:
    """
    Raise ``InfeasibleAssignmentError`` unless every placed applicant uses one of their own
    options and no placement's capacity is exceeded in any resource.

    Nobody can be placed twice because an assignment holds one placement per applicant.
    """
    placed = assignment != UNPLACED
    used = np.bincount(
        problem.option_applicant[assigned_options(problem, assignment)],
        minlength=problem.applicant_count,
    )
    if np.any(used[placed] != 1):
        raise InfeasibleAssignmentError(
            "an applicant was given a placement not among their options"
        )
    usage = np.zeros_like(problem.capacity)
    np.add.at(usage, assignment[placed], problem.demand[placed])
    if np.any(usage > problem.capacity):
        raise InfeasibleAssignmentError("a placement's capacity is exceeded")


def placed_by_tier(problem: MatchingProblem, assignment: IntArray) -> dict[int, int]:
    """Return tier -> number placed, for every tier present (zero counts included)."""
    placed = assignment != UNPLACED
    return {
        tier: int(np.count_nonzero(placed & (problem.tiers == tier)))
        for tier in problem.tier_levels()
    }


def total_score(problem: MatchingProblem, assignment: IntArray) -> int:
    """Return the sum of the scores of the placements made."""
    return int(problem.option_score[assigned_options(problem, assignment)].sum())


def lexicographic_key(problem: MatchingProblem, assignment: IntArray) -> tuple[int, ...]:
    """
    Return the objective as a tuple that compares the way the schema ranks results.

    Placed counts per tier, most urgent first, then the total score: a larger tuple is better.
    """
    counts = placed_by_tier(problem, assignment)
    return (*(counts[tier] for tier in problem.tier_levels()), total_score(problem, assignment))
