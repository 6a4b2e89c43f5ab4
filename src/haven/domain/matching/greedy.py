"""
The greedy-by-urgency baseline: what a careful coordinator would do by hand.

Applicants are served one at a time, most urgent tier first and, within a tier, in a seeded
lottery order; each takes their best-scoring option that still has room for their whole family
and never gives it up. It is always computed beside the optimiser, as the yardstick the optimum
is reported against (serial dictatorship by urgency, the usual hand method) and as the fallback
incumbent when a time limit stops the integer programme before it finds anything better.
"""

import numpy as np

from haven.domain.matching.problem import IntArray, MatchingProblem

UNPLACED = -1


def lottery_order(problem: MatchingProblem, *, seed: int) -> IntArray:
    """Return applicant indices, most urgent tier first, ties in a lottery drawn from ``seed``."""
    lottery = np.random.default_rng(seed).permutation(problem.applicant_count)
    return np.lexsort((lottery, -problem.tiers)).astype(np.int64)


def greedy(problem: MatchingProblem, *, seed: int = 0, start: IntArray | None = None) -> IntArray:
    """
    Return the greedy assignment: entry ``i`` is applicant ``i``'s placement index or ``-1``.

    Options are tried from the highest score down, equal scores in input order. With ``start``
    (a feasible assignment) its placements are kept and only the room they leave is handed out,
    which is how the optimiser tops up an assignment a stage found for the more urgent tiers.
    """
    order_of_options = np.lexsort(
        (np.arange(problem.option_count), -problem.option_score, problem.option_applicant)
    )
    sorted_applicants = problem.option_applicant[order_of_options]
    starts = np.searchsorted(sorted_applicants, np.arange(problem.applicant_count + 1)).tolist()
    sorted_placements = problem.option_placement[order_of_options].tolist()
    if start is None:
        start = np.full(problem.applicant_count, UNPLACED, dtype=np.int64)
    placed = start != UNPLACED
    free = problem.capacity.copy()
    np.subtract.at(free, start[placed], problem.demand[placed])
    remaining = free.tolist()
    demands = problem.demand.tolist()
    assignment = start.tolist()
    for applicant in lottery_order(problem, seed=seed).tolist():
        if assignment[applicant] != UNPLACED:
            continue
        need = demands[applicant]
        for position in range(starts[applicant], starts[applicant + 1]):
            free = remaining[sorted_placements[position]]
            if all(amount <= left for amount, left in zip(need, free, strict=True)):
                for resource, amount in enumerate(need):
                    free[resource] -= amount
                assignment[applicant] = sorted_placements[position]
                break
    return np.asarray(assignment, dtype=np.int64)
