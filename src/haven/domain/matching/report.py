"""
The result document (``haven.matching-result/1``) built from a ``MatchingResult``.

Beyond the fields the schema requires, the document records what is needed to reproduce and
judge the run: the SHA-256 of the canonical input, the engine version and seed, the greedy
baseline's outcome and the optimiser's improvement over it, and each lexicographic stage with its
proven bound and whether a solver searched it.
"""

from typing import Any

from haven.domain.matching.engine import ENGINE_VERSION, MatchingResult
from haven.domain.matching.explanation import explain_unplaced
from haven.domain.matching.greedy import UNPLACED
from haven.domain.matching.outcome import placed_by_tier, total_score

RESULT_SCHEMA_ID = "haven.matching-result/1"


def _by_tier(counts: dict[int, int]) -> dict[str, int]:
    return {str(tier): count for tier, count in counts.items()}


def result_to_json(result: MatchingResult) -> dict[str, Any]:
    """Return the result document; keys follow ``$defs/result`` of ``spec/matching.schema.json``."""
    problem = result.problem
    scores = {
        (int(applicant), int(placement)): int(score)
        for applicant, placement, score in zip(
            problem.option_applicant.tolist(),
            problem.option_placement.tolist(),
            problem.option_score.tolist(),
            strict=True,
        )
        if result.assignment[applicant] == placement
    }
    assignments = [
        {
            "applicant": problem.applicant_ids[applicant],
            "placement": problem.placement_ids[placement],
            "score": scores[(applicant, placement)],
        }
        for applicant, placement in enumerate(result.assignment.tolist())
        if placement != UNPLACED
    ]
    reasons = explain_unplaced(problem, result.assignment)
    baseline_counts = placed_by_tier(problem, result.baseline_assignment)
    baseline_score = total_score(problem, result.baseline_assignment)
    counts = result.placed_by_tier
    return {
        "schema": RESULT_SCHEMA_ID,
        "status": result.status,
        "assignments": assignments,
        "placed_by_tier": _by_tier(counts),
        "total_score": result.total_score,
        "gap": result.gap,
        "unplaced": [
            {"applicant": problem.applicant_ids[applicant], "reasons": listed}
            for applicant, listed in sorted(reasons.items())
        ],
        "solver": result.solver,
        "seconds": round(result.seconds, 6),
        "input_sha256": problem.input_sha256,
        "engine_version": ENGINE_VERSION,
        "seed": result.seed,
        "baseline": {
            "method": "greedy by urgency (lottery within a tier)",
            "placed_by_tier": _by_tier(baseline_counts),
            "total_score": baseline_score,
        },
        "improvement_over_baseline": {
            "placed_by_tier": {str(tier): counts[tier] - baseline_counts[tier] for tier in counts},
            "total_score": result.total_score - baseline_score,
        },
        "stages": [
            {
                "objective": stage.objective,
                "achieved": stage.achieved,
                "upper_bound": stage.upper_bound,
                "proven": stage.proven,
                "searched": stage.searched,
            }
            for stage in result.stages
        ],
    }
