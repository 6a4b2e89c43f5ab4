"""
The unit-demand case with one capacity per placement, solved as an assignment problem.

When every applicant with a usable option needs exactly one unit of the same resources, a
placement's room is one number (the smallest of its capacities in those resources) and the
problem is a transportation problem. Expanding each placement into that many identical slots, and
giving each applicant a private "unplaced" slot of weight 0, turns it into a maximum-weight
assignment in which every applicant is matched: scipy's ``min_weight_full_bipartite_matching``
(LAPJVsp, compiled) solves it exactly. It starts from each applicant's best few options and adds
the options the prices say could pay, the same column generation the LP route uses.

The matching algorithm returns no prices, so the proof is built here: the least placement prices
``p`` that make the matching stable (nobody prefers another option at its price, nobody unplaced
could afford one) are longest-path distances in a graph on the placements, found by Bellman-Ford
in integer arithmetic. A positive cycle means the matching was not optimal and the route gives up.
Those prices enter the same integer dual certificate as the LP route (``engine._dual_bound``).
"""

import numpy as np
import numpy.typing as npt

from haven.domain.matching.greedy import UNPLACED
from haven.domain.matching.problem import IntArray, MatchingProblem

FIRST_OPTIONS_PER_APPLICANT = 3
PRICING_ROUNDS = 20
# Above this many applicant-slot edges the slot expansion costs more than the LP route.
MAX_SLOT_EDGES = 20_000_000


def single_capacity(problem: MatchingProblem, usable: IntArray) -> IntArray | None:
    """
    Return each placement's room when the problem is a transportation problem, else None.

    It is one when every applicant with a usable option needs one unit of the same, non-empty
    set of resources; the room is then the smallest of the placement's capacities in that set.
    """
    active = np.unique(problem.option_applicant[usable])
    demand = problem.demand[active]
    if np.any(demand > 1):
        return None
    uses = demand > 0
    if not uses[0].any() or np.any(uses != uses[0]):
        return None
    room: IntArray = problem.capacity[:, uses[0]].min(axis=1).astype(np.int64)
    return room


def best_options(problem: MatchingProblem, options: IntArray, count: int) -> IntArray:
    """Return the ``count`` best-scored options of each applicant among ``options``, sorted."""
    order = options[np.lexsort((-problem.option_score[options], problem.option_applicant[options]))]
    owners = problem.option_applicant[order]
    first = np.searchsorted(owners, owners)
    return np.sort(order[np.arange(len(order)) - first < count])


def _match(
    problem: MatchingProblem, columns: IntArray, weights: IntArray, room: IntArray
) -> IntArray | None:
    """Return the maximum-weight assignment using only ``columns``, or None if too large."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    placements = problem.option_placement[columns]
    # A placement never needs more slots than applicants who could go there.
    slots = np.minimum(room, np.bincount(placements, minlength=problem.placement_count))
    per_column = slots[placements]
    if int(per_column.sum()) > MAX_SLOT_EDGES:
        return None
    rows_used, row_of = np.unique(problem.option_applicant[columns], return_inverse=True)
    first_slot = np.concatenate([[0], np.cumsum(slots)])
    slot_count = int(first_slot[-1])
    edge_starts = np.cumsum(per_column) - per_column
    within = np.arange(int(per_column.sum())) - np.repeat(edge_starts, per_column)
    edge_rows = np.repeat(row_of, per_column)
    edge_cols = np.repeat(first_slot[placements], per_column) + within
    # Every weight is shifted by 1 so no edge has weight 0 (which the sparse format drops); each
    # row takes exactly one edge, so the shift changes no comparison.
    edge_weights = np.repeat(weights[columns], per_column).astype(np.float64) + 1.0
    row_count = len(rows_used)
    graph = csr_array(
        (
            np.concatenate([edge_weights, np.ones(row_count)]),
            (
                np.concatenate([edge_rows, np.arange(row_count)]),
                np.concatenate([edge_cols, slot_count + np.arange(row_count)]),
            ),
        ),
        shape=(row_count, slot_count + row_count),
    )
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph, maximize=True)
    slot_placement = np.repeat(np.arange(problem.placement_count), slots)
    real = matched_cols < slot_count
    assignment = np.full(problem.applicant_count, UNPLACED, dtype=np.int64)
    assignment[rows_used[matched_rows[real]]] = slot_placement[matched_cols[real]]
    return assignment


def least_prices(
    problem: MatchingProblem, columns: IntArray, weights: IntArray, assignment: IntArray
) -> IntArray | None:
    """
    Return the least non-negative placement prices under which ``assignment`` is stable.

    Stable over ``columns``: a placed applicant gains no more (weight minus price) from another
    of their options than from their own, and an unplaced one gains nothing from any. Those are
    difference constraints ``p_k >= p_j + w_ik - w_ij`` and ``p_k >= w_ik``, so the least
    solution is a longest-path distance. None when a positive cycle exists: the assignment was
    not optimal.
    """
    owners = problem.option_applicant[columns]
    targets = problem.option_placement[columns]
    held = assignment[owners]
    own_weight = np.zeros(problem.applicant_count, dtype=np.int64)
    mine = held == targets
    own_weight[owners[mine]] = weights[columns[mine]]
    prices = np.zeros(problem.placement_count, dtype=np.int64)
    unplaced = held == UNPLACED
    np.maximum.at(prices, targets[unplaced], weights[columns[unplaced]])
    moves = ~unplaced & ~mine
    tails = held[moves]
    heads = targets[moves]
    lengths = weights[columns[moves]] - own_weight[owners[moves]]
    for _round in range(problem.placement_count + 1):
        relaxed = prices.copy()
        np.maximum.at(relaxed, heads, prices[tails] + lengths)
        if np.array_equal(relaxed, prices):
            return prices
        prices = relaxed
    return None


def solve_transportation(
    problem: MatchingProblem, usable: IntArray, weights: IntArray, room: IntArray
) -> tuple[IntArray, IntArray] | None:
    """
    Return (assignment, placement prices) with every usable option priced out, or None.

    The caller turns the prices into the integer certificate; None sends it to the LP route.
    """
    columns = best_options(problem, usable, FIRST_OPTIONS_PER_APPLICANT)
    in_model = np.zeros(problem.option_count, dtype=bool)
    for _round in range(PRICING_ROUNDS):
        in_model[columns] = True
        assignment = _match(problem, columns, weights, room)
        if assignment is None:
            return None
        prices = least_prices(problem, columns, weights, assignment)
        if prices is None:
            return None
        gains = _gains(problem, usable, weights, assignment, prices)
        entering = usable[(gains > 0) & ~in_model[usable]]
        if len(entering) == 0:
            return assignment, prices
        columns = np.sort(np.concatenate([columns, entering]))
    return None


def _gains(
    problem: MatchingProblem,
    options: IntArray,
    weights: IntArray,
    assignment: IntArray,
    prices: IntArray,
) -> npt.NDArray[np.int64]:
    """Return, per option, how much more its applicant would gain from it than from their lot."""
    owners = problem.option_applicant[options]
    current = np.zeros(problem.applicant_count, dtype=np.int64)
    placed = assignment != UNPLACED
    mine = assignment[problem.option_applicant] == problem.option_placement
    current[problem.option_applicant[mine]] = weights[mine] - prices[problem.option_placement[mine]]
    current[~placed] = 0
    gains: npt.NDArray[np.int64] = (
        weights[options] - prices[problem.option_placement[options]] - current[owners]
    )
    return gains
