"""
Optimal matching of applicants to host-programme placements (issue 6, pure part).

The package is split by topic: ``problem`` (parsing and semantic checks), ``greedy`` (the
baseline), ``outcome`` (feasibility and objective), ``engine`` (choosing a route, the HiGHS routes
and their proofs), ``transportation`` (unit demand as an assignment on capacity slots, proven by
integer prices), ``deadline`` (solver calls in a child killed at the time limit),
``explanation`` (reasons for the unplaced) and ``report`` (the result document). scipy is imported
only inside the solvers, so parsing and the greedy baseline stay cheap to import. ``docs/matching.md``
describes the objective, the proofs and the time-limit behaviour.
"""

from haven.domain.matching.engine import ENGINE_VERSION, MatchingResult, StageReport, solve
from haven.domain.matching.explanation import explain_unplaced
from haven.domain.matching.greedy import UNPLACED, greedy
from haven.domain.matching.outcome import (
    InfeasibleAssignmentError,
    check_feasible,
    lexicographic_key,
    placed_by_tier,
    total_score,
)
from haven.domain.matching.problem import (
    MatchingProblem,
    MatchingProblemError,
    ProblemIssue,
    parse_problem,
)
from haven.domain.matching.report import result_to_json

__all__ = [
    "ENGINE_VERSION",
    "UNPLACED",
    "InfeasibleAssignmentError",
    "MatchingProblem",
    "MatchingProblemError",
    "MatchingResult",
    "ProblemIssue",
    "StageReport",
    "check_feasible",
    "explain_unplaced",
    "greedy",
    "lexicographic_key",
    "parse_problem",
    "placed_by_tier",
    "result_to_json",
    "solve",
    "total_score",
]
