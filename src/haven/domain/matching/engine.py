"""
The optimal matcher: most urgent tiers first, then the greatest total score, families never split.

Three exact routes, chosen by the structure of the demands: each the cheapest exact method for
that structure.
When every applicant needs one unit of the same resources the problem is a transportation problem,
solved as an assignment on capacity slots and proven with integer prices (``transportation``);
otherwise one of the two below. Every solver call runs in a forked child killed at its deadline
(``deadline``), so no route can overrun the time limit.

* **Network route.** When every demand is 0 or 1 and the resources each applicant uses nest (for
  example everyone needs a place and some also a bed, each one unit), the constraint matrix is a
  bipartite incidence matrix with laminar capacity rows, which is totally unimodular: the linear
  programme has integral vertices. The sets of applicants that can be placed together then form a
  matroid (Rado's theorem), so one weighted solve with weight ``M * tier_rank + score`` and
  ``M = k * max_score + 1`` (``k`` = applicants with a usable option) is lexicographically optimal:
  the score of any assignment differs from another's by less than ``M``, so no score gain can buy
  a lower tier-rank sum, and a maximum tier-rank basis of a matroid places the most applicants of
  tier ``t`` or above for every ``t`` at once. Weights are integers below 2**52, so float64 holds
  them exactly. The LP is solved by HiGHS (interior point with crossover) with column generation
  from each applicant's best few options. Optimality is then *proven in integer arithmetic*, not
  trusted from the solver: rounding the capacity duals ``p`` and setting ``u_i = max(0, max_j
  w_ij - p_j . d_i)`` always gives a feasible dual, whose objective is an exact upper bound; when
  it equals the assignment's weight the assignment is optimal.

* **Tiered integer route.** Families (several units, or resources that do not nest) make it a
  multidimensional knapsack, where a weighted sum silently trades an urgent case for several small
  low-tier families (on a seeded benchmark of families, a weight of ``100 * urgency + fit`` placed
  fewer urgent applicants than greedy did). HiGHS ``milp`` maximises the count of each tier
  in turn, fixing the counts already won, then the score. Each stage has an equal share of the
  time left and runs in a forked child that is killed when the share is over (``deadline``), so
  the limit holds even where HiGHS overruns its own (its presolve does on large models). A stage
  that stops early keeps the best assignment found so far (starting from greedy) and reports its
  bound: HiGHS's dual bound when it gave one, else a bound needing no solver (the tier's
  applicants with a usable option; everyone's best score). ``optimal`` is only claimed when every
  stage's bound, rounded down to an integer, equals what was achieved.
"""

import math
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from haven.domain.matching.deadline import call_before
from haven.domain.matching.greedy import UNPLACED, greedy
from haven.domain.matching.outcome import (
    check_feasible,
    lexicographic_key,
    placed_by_tier,
    total_score,
)
from haven.domain.matching.problem import IntArray, MatchingProblem
from haven.domain.matching.transportation import (
    best_options,
    single_capacity,
    solve_transportation,
)

ENGINE_VERSION = "haven-matching/1.0"
DEFAULT_TIME_LIMIT_S = 60.0
EXACT_FLOAT_LIMIT = 2**52
COLUMN_GENERATION_START = 4
COLUMN_GENERATION_ROUNDS = 25
# HiGHS gets this share of a stage's time; the child is killed at the end of the whole share.
SOLVER_SHARE_OF_STAGE = 0.8
# Above this many columns HiGHS spends a stage's share in presolve (5,000 x 300 families: 150,000
# columns), so the stage searches a neighbourhood instead: each applicant's current placement and
# best few options. Its answers are real assignments; its dual bound says nothing about the whole
# problem and is not used.
FULL_MODEL_COLUMNS = 30_000
NEIGHBOURHOOD_OPTIONS = 4

Status = Literal["optimal", "feasible"]


@dataclass(frozen=True)
class StageReport:
    """
    How far one lexicographic stage got: what was achieved and the proven upper bound.

    ``searched`` says whether a solver was run for it; a stage its bound already settled, or one
    the time limit left no room for, was not.
    """

    objective: str
    achieved: int
    upper_bound: int | None
    searched: bool = False

    @property
    def proven(self) -> bool:
        return self.upper_bound is not None and self.upper_bound <= self.achieved

    @property
    def relative_gap(self) -> float | None:
        if self.upper_bound is None:
            return None
        return max(0, self.upper_bound - self.achieved) / max(1, self.upper_bound)


@dataclass(frozen=True, eq=False)
class MatchingResult:
    """The engine's answer, with everything needed to explain and reproduce it."""

    problem: MatchingProblem
    status: Status
    assignment: IntArray
    gap: float | None
    solver: str
    seconds: float
    seed: int
    baseline_assignment: IntArray
    stages: tuple[StageReport, ...] = field(default_factory=tuple)

    @property
    def placed_by_tier(self) -> dict[int, int]:
        return placed_by_tier(self.problem, self.assignment)

    @property
    def total_score(self) -> int:
        return total_score(self.problem, self.assignment)


def usable_options(problem: MatchingProblem) -> npt.NDArray[np.bool_]:
    """Return a mask of options whose placement could hold the applicant's demand if empty."""
    fits: npt.NDArray[np.bool_] = np.all(
        problem.demand[problem.option_applicant] <= problem.capacity[problem.option_placement],
        axis=1,
    )
    return fits


def tier_ranks(problem: MatchingProblem) -> IntArray:
    """Return each applicant's tier as a rank 1..T (T = most urgent), so weights stay small."""
    levels = sorted(problem.tier_levels())
    return np.searchsorted(np.asarray(levels, dtype=np.int64), problem.tiers).astype(np.int64) + 1


def has_network_structure(problem: MatchingProblem, usable: npt.NDArray[np.bool_]) -> bool:
    """
    Say whether the LP relaxation is integral: 0/1 demands whose resource sets nest.

    Resource rows ``S_r`` (applicants that use resource ``r``) must be pairwise nested or
    disjoint (a laminar family); with the applicant rows, also a partition, the matrix is then
    totally unimodular.
    """
    active = np.zeros(problem.applicant_count, dtype=bool)
    active[problem.option_applicant[usable]] = True
    demand = problem.demand[active]
    if np.any(demand > 1):
        return False
    uses = demand > 0
    for first in range(uses.shape[1]):
        for second in range(first + 1, uses.shape[1]):
            both = np.any(uses[:, first] & uses[:, second])
            first_only = np.any(uses[:, first] & ~uses[:, second])
            second_only = np.any(uses[:, second] & ~uses[:, first])
            if both and first_only and second_only:
                return False
    return True


def _capacity_rows(
    problem: MatchingProblem, columns: IntArray, resources: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Return (row, column, coefficient) triplets of the capacity rows for the given options."""
    applicants = problem.option_applicant[columns]
    placements = problem.option_placement[columns]
    rows, cols, values = [], [], []
    for position, resource in enumerate(resources.tolist()):
        amounts = problem.demand[applicants, resource]
        nonzero = amounts > 0
        rows.append(placements[nonzero] * len(resources) + position)
        cols.append(np.flatnonzero(nonzero))
        values.append(amounts[nonzero])
    return (
        np.concatenate(rows).astype(np.int64),
        np.concatenate(cols).astype(np.int64),
        np.concatenate(values).astype(np.int64),
    )


def _constraint_matrix(problem: MatchingProblem, columns: IntArray, resources: IntArray) -> Any:
    """Applicant rows (take at most one option) stacked on capacity rows (placement x resource)."""
    from scipy import sparse

    count = len(columns)
    cap_rows, cap_cols, cap_values = _capacity_rows(problem, columns, resources)
    rows = np.concatenate([problem.option_applicant[columns], cap_rows + problem.applicant_count])
    cols = np.concatenate([np.arange(count), cap_cols])
    values = np.concatenate([np.ones(count, dtype=np.int64), cap_values]).astype(float)
    shape = (problem.applicant_count + problem.placement_count * len(resources), count)
    return sparse.csc_matrix((values, (rows, cols)), shape=shape)


def _capacity_vector(problem: MatchingProblem, resources: IntArray) -> IntArray:
    return problem.capacity[:, resources].reshape(-1).astype(np.int64)


def _assignment_from_columns(
    problem: MatchingProblem, columns: IntArray, chosen: npt.NDArray[np.bool_]
) -> IntArray:
    assignment = np.full(problem.applicant_count, UNPLACED, dtype=np.int64)
    picked = columns[chosen]
    assignment[problem.option_applicant[picked]] = problem.option_placement[picked]
    return assignment


def tier_weights(problem: MatchingProblem, usable: IntArray) -> IntArray | None:
    """
    Return each option's weight ``M * tier_rank + score`` (see the module docstring), or None
    when a sum of weights could leave the integers float64 holds exactly.
    """
    ranks = tier_ranks(problem)
    applicants_with_options = len(np.unique(problem.option_applicant[usable]))
    max_score = int(problem.option_score[usable].max(initial=0))
    big_m = applicants_with_options * max_score + 1
    weights: IntArray = ranks[problem.option_applicant] * big_m + problem.option_score
    if int(weights.max(initial=0)) * max(1, applicants_with_options) >= EXACT_FLOAT_LIMIT:
        return None
    return weights


def _solve_assignment(
    problem: MatchingProblem, usable: IntArray, room: IntArray
) -> tuple[IntArray, StageReport] | None:
    """
    Solve a transportation problem as an assignment problem and prove it with integer prices.

    Returns None (the caller then tries the LP route) rather than an unproven answer.
    """
    weights = tier_weights(problem, usable)
    if weights is None:
        return None
    solved = solve_transportation(problem, usable, weights, room)
    if solved is None:
        return None
    assignment, prices = solved
    check_feasible(problem, assignment)
    resources = np.flatnonzero(np.any(problem.demand > 0, axis=0)).astype(np.int64)
    # Each placement's price sits on the resource that sets its room (its smallest capacity
    # among those the applicants use), so the certificate charges it once per applicant.
    demanded = np.any(problem.demand[np.unique(problem.option_applicant[usable])] > 0, axis=0)
    masked = np.where(demanded[resources], problem.capacity[:, resources], np.iinfo(np.int64).max)
    capacity_price = np.zeros((problem.placement_count, len(resources)), dtype=np.int64)
    capacity_price[np.arange(problem.placement_count), masked.argmin(axis=1)] = prices
    achieved = int(weights[assignment[problem.option_applicant] == problem.option_placement].sum())
    capacity = _capacity_vector(problem, resources)
    upper_bound = _dual_bound(
        problem, usable, resources, capacity, capacity_price.reshape(-1), weights
    )
    report = StageReport("tier-weighted score", achieved, upper_bound)
    if not report.proven:
        return None
    return assignment, report


def _solve_network(
    problem: MatchingProblem, usable: IntArray, deadline: float
) -> tuple[IntArray, StageReport] | None:
    """
    Solve the weighted LP by column generation and prove the result with an integer dual.

    Returns None when the structure or the numbers leave the exact route (the caller then uses
    the tiered integer route), never an unproven answer.
    """
    from scipy.optimize import linprog

    resources = np.flatnonzero(np.any(problem.demand > 0, axis=0)).astype(np.int64)
    weights = tier_weights(problem, usable)
    if weights is None:
        return None
    capacity = _capacity_vector(problem, resources)
    columns = best_options(problem, usable, COLUMN_GENERATION_START)
    in_model = np.zeros(problem.option_count, dtype=bool)
    for _round in range(COLUMN_GENERATION_ROUNDS):
        in_model[columns] = True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        matrix = _constraint_matrix(problem, columns, resources)
        bounds_rhs = np.concatenate([np.ones(problem.applicant_count), capacity])
        solution = linprog(
            -weights[columns].astype(float),
            A_ub=matrix,
            b_ub=bounds_rhs,
            bounds=(0, 1),
            method="highs-ipm",
            options={"time_limit": remaining},
        )
        if solution.status != 0:
            return None
        duals = -np.asarray(solution.ineqlin.marginals)
        applicant_price = np.maximum(0, np.round(duals[: problem.applicant_count])).astype(np.int64)
        capacity_price = np.maximum(0, np.round(duals[problem.applicant_count :])).astype(np.int64)
        reduced = weights[usable] - applicant_price[problem.option_applicant[usable]]
        reduced -= _option_price(problem, usable, resources, capacity_price)
        entering = usable[(reduced > 0) & ~in_model[usable]]
        if len(entering) == 0:
            break
        columns = np.sort(np.concatenate([columns, entering]))
    else:
        return None
    values = np.asarray(solution.x)
    if np.any(np.abs(values - np.round(values)) > 1e-6):
        return None
    assignment = _assignment_from_columns(problem, columns, values > 0.5)
    check_feasible(problem, assignment)
    achieved = int(weights[assignment[problem.option_applicant] == problem.option_placement].sum())
    upper_bound = _dual_bound(problem, usable, resources, capacity, capacity_price, weights)
    report = StageReport("tier-weighted score", achieved, upper_bound)
    if not report.proven:
        return None
    return assignment, report


def _option_price(
    problem: MatchingProblem, options: IntArray, resources: IntArray, capacity_price: IntArray
) -> IntArray:
    """Return, per option, the capacity price of the units it would use at its placement."""
    prices = capacity_price.reshape(problem.placement_count, len(resources))
    used = problem.demand[problem.option_applicant[options]][:, resources]
    return np.asarray(
        (prices[problem.option_placement[options]] * used).sum(axis=1), dtype=np.int64
    )


def _dual_bound(
    problem: MatchingProblem,
    usable: IntArray,
    resources: IntArray,
    capacity: IntArray,
    capacity_price: IntArray,
    weights: IntArray,
) -> int:
    """Return the exact LP upper bound given by integer capacity prices (see module docstring)."""
    margin = weights[usable] - _option_price(problem, usable, resources, capacity_price)
    best = np.zeros(problem.applicant_count, dtype=np.int64)
    np.maximum.at(best, problem.option_applicant[usable], margin)
    return int(best.sum() + (capacity * capacity_price).sum())


def _trivial_bounds(problem: MatchingProblem, usable: IntArray, tiers: list[int]) -> list[int]:
    """
    Return an upper bound per stage that needs no solver, so a gap exists even when none answered.

    A tier cannot place more applicants than it has applicants with a usable option, and the total
    score cannot exceed everyone getting their best usable option.
    """
    owners = problem.option_applicant[usable]
    with_options = np.unique(owners)
    bounds = [int(np.count_nonzero(problem.tiers[with_options] == tier)) for tier in tiers]
    best = np.zeros(problem.applicant_count, dtype=np.int64)
    np.maximum.at(best, owners, problem.option_score[usable])
    return [*bounds, int(best.sum())]


def _room_bound(
    problem: MatchingProblem,
    usable: IntArray,
    tier: int,
    must_place: npt.NDArray[np.bool_],
    held: list[tuple[int, int]],
) -> int:
    """
    Return how many applicants of ``tier`` could fit in the room the more urgent tiers leave.

    The room is the total capacity of every placement, less the demand of applicants who must be
    placed and, for a tier held at ``count``, its ``count`` smallest demands. Any ``k`` applicants
    of the tier need at least their ``k`` smallest demands in each resource, so the largest ``k``
    whose smallest demands fit is an upper bound. It ignores which placement has the room, so it
    is weak when room is scattered, but it needs no solver.
    """
    with_options = np.zeros(problem.applicant_count, dtype=bool)
    with_options[problem.option_applicant[usable]] = True
    room = problem.capacity.sum(axis=0) - problem.demand[must_place].sum(axis=0)
    for other_tier, count in held:
        pool = np.sort(problem.demand[with_options & (problem.tiers == other_tier)], axis=0)
        room -= pool[:count].sum(axis=0)
    pool = np.sort(problem.demand[with_options & (problem.tiers == tier)], axis=0)
    fits = np.all(np.cumsum(pool, axis=0) <= room, axis=1)
    return int(np.count_nonzero(fits))


def _milp_stage(
    gain: npt.NDArray[np.float64],
    constraints: list[Any],
    seconds: float,
) -> tuple[IntArray | None, float | None]:
    """
    Maximise ``gain`` over the constraints; return (chosen columns or None, dual bound or None).

    Runs in a forked child (``deadline.call_before``), so only small arrays travel back.
    """
    from scipy.optimize import Bounds, milp

    solution = milp(
        -gain,
        integrality=np.ones(len(gain)),
        bounds=Bounds(0, 1),
        constraints=constraints,
        # HiGHS's presolve doubled the time of these models (already cut down by the stages) and
        # is where it overran its time limit; branch and bound alone honours the limit.
        options={"time_limit": seconds, "mip_rel_gap": 0.0, "presolve": False, "disp": False},
    )
    chosen = None if solution.x is None else np.flatnonzero(np.asarray(solution.x) > 0.5)
    bound = getattr(solution, "mip_dual_bound", None)
    return chosen, (None if bound is None or not math.isfinite(bound) else -float(bound))


def _solve_tiered(
    problem: MatchingProblem, usable: IntArray, incumbent: IntArray, deadline: float, seed: int
) -> tuple[IntArray, tuple[StageReport, ...]]:
    """
    Maximise each tier's count in turn, then the score, keeping the best assignment so far.

    Each stage gets an equal share of the time left and runs in a child killed at the end of
    its share, so a solver that overruns its own limit costs that stage, never the deadline.

    Each model is cut down by what earlier stages proved, without losing any optimum: a tier
    stage leaves out less urgent applicants (they only take room, and no count fixed so far
    depends on them); a tier proven to place everyone with an option turns into "each of them
    is placed" rows instead of one dense count row; a tier proven to place nobody loses its
    options; a tier proven at its count is fixed at it exactly.
    """
    resources = np.flatnonzero(np.any(problem.demand > 0, axis=0)).astype(np.int64)
    columns = usable
    capacity = _capacity_vector(problem, resources).astype(float)
    matrix = None
    column_tiers = problem.tiers[problem.option_applicant[columns]]
    scores = problem.option_score[columns]
    tiers = [tier for tier in problem.tier_levels() if np.any(column_tiers == tier)]
    objectives: list[tuple[str, int | None, npt.NDArray[np.float64]]] = [
        (f"placed in tier {tier}", tier, (column_tiers == tier).astype(float)) for tier in tiers
    ]
    objectives.append(("total score", None, scores.astype(float)))
    trivial = _trivial_bounds(problem, usable, tiers)
    must_place = np.zeros(problem.applicant_count, dtype=bool)
    excluded = np.zeros(len(columns), dtype=bool)
    count_rows: list[tuple[npt.NDArray[np.float64], int, float]] = []
    fixed_rows: list[npt.NDArray[np.float64]] = []
    fixed_counts: list[int] = []
    reports: list[StageReport] = []
    chosen = incumbent[problem.option_applicant[columns]] == problem.option_placement[columns]
    held: list[tuple[int, int]] = []
    for stage, (name, tier, gain) in enumerate(objectives):
        achieved = round(float(gain @ chosen))
        upper_bound = trivial[stage]
        if tier is not None:
            upper_bound = min(upper_bound, _room_bound(problem, usable, tier, must_place, held))
        remaining = deadline - time.monotonic()
        searched = achieved < upper_bound and remaining > 0
        if searched:
            active = ~excluded if tier is None else ~excluded & (column_tiers >= tier)
            restricted = int(np.count_nonzero(active)) > FULL_MODEL_COLUMNS
            if restricted:
                active &= chosen | _best_columns(problem, columns, active, NEIGHBOURHOOD_OPTIONS)
            share = remaining / (len(objectives) - stage)
            if matrix is None:
                # Imported and built only when a stage searches, once, not in every child.
                import scipy.optimize  # noqa: F401

                matrix = _constraint_matrix(problem, columns, resources).tocsc()
            model = _stage_model(matrix, capacity, must_place, active, count_rows)
            outcome = call_before(
                partial(_milp_stage, gain[active], model, SOLVER_SHARE_OF_STAGE * share),
                time.monotonic() + share,
            )
            if outcome is not None:
                picked, bound = outcome
                if picked is not None:
                    candidate = np.zeros(len(columns), dtype=bool)
                    candidate[np.flatnonzero(active)[picked]] = True
                    check_feasible(problem, _assignment_from_columns(problem, columns, candidate))
                    value = round(float(gain @ candidate))
                    if value > achieved and _meets(candidate, fixed_rows, fixed_counts):
                        topped_up = greedy(
                            problem,
                            seed=seed,
                            start=_assignment_from_columns(problem, columns, candidate),
                        )
                        chosen = (
                            topped_up[problem.option_applicant[columns]]
                            == problem.option_placement[columns]
                        )
                        achieved = round(float(gain @ chosen))
                if bound is not None and not restricted:
                    upper_bound = min(upper_bound, math.floor(bound + 1e-6))
        report = StageReport(name, achieved, upper_bound, searched=searched)
        reports.append(report)
        fixed_rows.append(gain)
        fixed_counts.append(achieved)
        if tier is None:
            continue
        if report.proven and achieved == 0:
            excluded |= column_tiers == tier
        elif achieved == trivial[stage]:
            must_place[problem.option_applicant[columns[column_tiers == tier]]] = True
        else:
            count_rows.append((gain, achieved, achieved if report.proven else np.inf))
            held.append((tier, achieved))
    return _assignment_from_columns(problem, columns, chosen), tuple(reports)


def _best_columns(
    problem: MatchingProblem,
    columns: IntArray,
    active: npt.NDArray[np.bool_],
    count: int,
) -> npt.NDArray[np.bool_]:
    """Return a mask of the ``count`` best-scored active columns of each applicant."""
    picked = best_options(problem, columns[active], count)
    mask = np.zeros(len(columns), dtype=bool)
    mask[np.searchsorted(columns, picked)] = True
    return mask


def _stage_model(
    matrix: Any,
    capacity: npt.NDArray[np.float64],
    must_place: npt.NDArray[np.bool_],
    active: npt.NDArray[np.bool_],
    count_rows: list[tuple[npt.NDArray[np.float64], int, float]],
) -> list[Any]:
    """Return one stage's constraints over the ``active`` columns (see ``_solve_tiered``)."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_matrix

    lower = np.concatenate([np.where(must_place, 1.0, -np.inf), np.full(len(capacity), -np.inf)])
    upper = np.concatenate([np.ones(len(must_place)), capacity])
    constraints = [LinearConstraint(matrix[:, np.flatnonzero(active)], lower, upper)]
    if count_rows:
        constraints.append(
            LinearConstraint(
                csr_matrix(np.vstack([row[active] for row, _, _ in count_rows])),
                [low for _, low, _ in count_rows],
                [high for _, _, high in count_rows],
            )
        )
    return constraints


def _meets(
    chosen: npt.NDArray[np.bool_],
    rows: list[npt.NDArray[np.float64]],
    counts: list[int],
) -> bool:
    return all(round(float(row @ chosen)) >= count for row, count in zip(rows, counts, strict=True))


def solve(
    problem: MatchingProblem, *, time_limit_s: float | None = None, seed: int = 0
) -> MatchingResult:
    """
    Return the lexicographically optimal assignment, or the best found within the time limit.

    ``time_limit_s`` overrides the problem's own ``time_limit_s``; without either the tiered
    integer route stops after ``DEFAULT_TIME_LIMIT_S``. ``seed`` draws the greedy baseline's
    lottery within a tier; the optimiser itself is deterministic. The result is feasible (checked)
    and is never lexicographically worse than the greedy baseline.
    """
    started = time.monotonic()
    limit = time_limit_s if time_limit_s is not None else problem.time_limit_s
    deadline = started + (DEFAULT_TIME_LIMIT_S if limit is None else limit)
    baseline = greedy(problem, seed=seed)
    check_feasible(problem, baseline)
    usable = np.flatnonzero(usable_options(problem)).astype(np.int64)
    if len(usable) == 0:
        return MatchingResult(
            problem,
            "optimal",
            baseline,
            0.0,
            "trivial (no usable option)",
            time.monotonic() - started,
            seed,
            baseline,
        )
    network = None
    solver = "highs-lp (network, integer dual certificate)"
    room = single_capacity(problem, usable)
    if room is not None and deadline > time.monotonic():
        import scipy.sparse.csgraph  # imported once here, not in the forked child

        network = call_before(partial(_solve_assignment, problem, usable, room), deadline)
        solver = "lapjvsp (assignment on capacity slots, integer price certificate)"
    if (
        network is None
        and deadline > time.monotonic()
        and has_network_structure(problem, np.isin(np.arange(problem.option_count), usable))
    ):
        import scipy.optimize  # noqa: F401  (imported once here, not in the forked child)

        network = call_before(partial(_solve_network, problem, usable, deadline), deadline)
        solver = "highs-lp (network, integer dual certificate)"
    if network is not None:
        assignment, report = network
        check_feasible(problem, assignment)
        return MatchingResult(
            problem,
            "optimal",
            assignment,
            0.0,
            solver,
            time.monotonic() - started,
            seed,
            baseline,
            (report,),
        )
    assignment, reports = _solve_tiered(problem, usable, baseline, deadline, seed)
    searched = any(report.searched for report in reports)
    solver = "highs-milp (tiered)" if searched else "greedy (not searched; bounds without a solver)"
    fallback = lexicographic_key(problem, baseline) > lexicographic_key(problem, assignment)
    if fallback:
        assignment, solver = baseline, "greedy (the integer programme found nothing better in time)"
    check_feasible(problem, assignment)
    proven = all(report.proven for report in reports) and not fallback
    # The result is compared stage by stage, so its distance from the optimum is decided at the
    # most urgent stage not proven; later stages' bounds only hold given the counts fixed before.
    unproven = [report for report in reports if not report.proven]
    gap = unproven[0].relative_gap if unproven else 0.0
    return MatchingResult(
        problem,
        "optimal" if proven else "feasible",
        assignment,
        0.0 if proven else gap,
        solver,
        time.monotonic() - started,
        seed,
        baseline,
        reports,
    )
