"""
The matching problem as arrays, and the semantic checks a JSON Schema cannot express.

The eligibility engine decides which applicant-placement pairs are allowed; this module only
turns its output (``haven.matching-problem/1``, see ``spec/matching.schema.json``) into compact
numpy arrays so the solvers can work on thousands of applicants without Python loops. The
document is assumed to have passed the schema already: ``parse_problem`` adds the checks that need
to look across the document (duplicate ids, unknown placements, undeclared resources, an empty
problem) and reports every one of them with its JSON path, never only the first.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

PROBLEM_SCHEMA_ID = "haven.matching-problem/1"


@dataclass(frozen=True)
class ProblemIssue:
    """One thing wrong with a problem document, located by its JSON path (``$.applicants[3].id``)."""

    path: str
    message: str


class MatchingProblemError(ValueError):
    """The problem document cannot be matched; ``issues`` lists every reason with its JSON path."""

    def __init__(self, issues: Sequence[ProblemIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(f"{issue.path}: {issue.message}" for issue in self.issues))


@dataclass(frozen=True, eq=False)
class MatchingProblem:
    """
    A validated matching problem.

    Placements and applicants keep their input order (index = position in the document).
    Options are stored flat, grouped by applicant in input order: option ``k`` lets applicant
    ``option_applicant[k]`` take placement ``option_placement[k]`` with ``option_score[k]``.
    ``capacity`` is placements x resources and ``demand`` applicants x resources; a resource a
    placement does not list has capacity 0 there, so a family needing beds never lands in a
    placement that declared no beds.
    """

    resources: tuple[str, ...]
    placement_ids: tuple[str, ...]
    capacity: IntArray
    applicant_ids: tuple[str, ...]
    tiers: IntArray
    demand: IntArray
    option_applicant: IntArray
    option_placement: IntArray
    option_score: IntArray
    time_limit_s: float | None
    input_sha256: str

    @property
    def applicant_count(self) -> int:
        return len(self.applicant_ids)

    @property
    def placement_count(self) -> int:
        return len(self.placement_ids)

    @property
    def option_count(self) -> int:
        return int(self.option_applicant.shape[0])

    def tier_levels(self) -> list[int]:
        """Return the distinct tiers present, most urgent first."""
        return sorted({int(tier) for tier in self.tiers}, reverse=True)


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """The document as canonical JSON: UTF-8, sorted keys, no spaces (what ``input_sha256`` hashes)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def document_sha256(document: Mapping[str, Any]) -> str:
    """Hash the document in canonical JSON form, so a reordered key or spacing gives the same hash."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _read_amounts(
    row: IntArray, item: Mapping[str, Any], what: str, resource_index: Mapping[str, int], path: str
) -> list[ProblemIssue]:
    """
    Write a placement's ``capacity`` or an applicant's ``demand`` (``what``) into its ``row``, one
    column per declared resource; an amount of an undeclared resource is reported and left out.
    """
    issues = []
    for resource, amount in item[what].items():
        if resource not in resource_index:
            issues.append(
                ProblemIssue(
                    f"{path}.{what}.{resource}", f"{what} on undeclared resource {resource!r}"
                )
            )
            continue
        row[resource_index[resource]] = int(amount)
    return issues


def _duplicate_issues(ids: Sequence[str], collection: str) -> list[ProblemIssue]:
    first_seen: dict[str, int] = {}
    issues = []
    for index, identifier in enumerate(ids):
        if identifier in first_seen:
            issues.append(
                ProblemIssue(
                    f"$.{collection}[{index}].id",
                    f"duplicate id {identifier!r} (first used at $.{collection}[{first_seen[identifier]}])",
                )
            )
        else:
            first_seen[identifier] = index
    return issues


def parse_problem(
    document: Mapping[str, Any], *, canonical: bytes | None = None
) -> MatchingProblem:
    """
    Build a ``MatchingProblem`` from a schema-valid problem document.

    ``canonical`` is the document's ``canonical_json`` when the caller has it already (a matching
    run encodes its problem once to store it): ``input_sha256`` is then the hash of those bytes,
    the same as ``document_sha256`` would give, without serialising the document again.

    Raises ``MatchingProblemError`` listing every semantic error: an empty problem, duplicate
    resource, placement or applicant ids, an option naming an unknown placement or naming the
    same placement twice, and a capacity or demand on a resource the problem does not declare.
    """
    issues: list[ProblemIssue] = []
    resources: list[str] = list(document["resources"])
    placements: list[Mapping[str, Any]] = list(document["placements"])
    applicants: list[Mapping[str, Any]] = list(document["applicants"])

    if not placements:
        issues.append(ProblemIssue("$.placements", "the problem has no placements"))
    if not applicants:
        issues.append(ProblemIssue("$.applicants", "the problem has no applicants"))
    seen_resources: dict[str, int] = {}
    for index, resource in enumerate(resources):
        if resource in seen_resources:
            issues.append(ProblemIssue(f"$.resources[{index}]", f"duplicate resource {resource!r}"))
        seen_resources.setdefault(resource, index)
    resource_index = {resource: index for index, resource in enumerate(resources)}

    placement_ids = [str(placement["id"]) for placement in placements]
    applicant_ids = [str(applicant["id"]) for applicant in applicants]
    issues += _duplicate_issues(placement_ids, "placements")
    issues += _duplicate_issues(applicant_ids, "applicants")
    placement_index = {identifier: index for index, identifier in enumerate(placement_ids)}

    capacity = np.zeros((len(placements), len(resources)), dtype=np.int64)
    for p_index, placement in enumerate(placements):
        issues += _read_amounts(
            capacity[p_index], placement, "capacity", resource_index, f"$.placements[{p_index}]"
        )

    demand = np.zeros((len(applicants), len(resources)), dtype=np.int64)
    tiers = np.zeros(len(applicants), dtype=np.int64)
    option_applicant: list[int] = []
    option_placement: list[int] = []
    option_score: list[int] = []
    for a_index, applicant in enumerate(applicants):
        tiers[a_index] = int(applicant["tier"])
        issues += _read_amounts(
            demand[a_index], applicant, "demand", resource_index, f"$.applicants[{a_index}]"
        )
        named: set[int] = set()
        for o_index, option in enumerate(applicant["options"]):
            target = placement_index.get(option["placement"])
            if target is None:
                issues.append(
                    ProblemIssue(
                        f"$.applicants[{a_index}].options[{o_index}].placement",
                        f"unknown placement {option['placement']!r}",
                    )
                )
                continue
            if target in named:
                issues.append(
                    ProblemIssue(
                        f"$.applicants[{a_index}].options[{o_index}].placement",
                        f"placement {option['placement']!r} is listed twice for this applicant",
                    )
                )
                continue
            named.add(target)
            option_applicant.append(a_index)
            option_placement.append(target)
            option_score.append(int(option["score"]))

    if issues:
        raise MatchingProblemError(issues)
    time_limit = document.get("time_limit_s")
    return MatchingProblem(
        resources=tuple(resources),
        placement_ids=tuple(placement_ids),
        capacity=capacity,
        applicant_ids=tuple(applicant_ids),
        tiers=tiers,
        demand=demand,
        option_applicant=np.asarray(option_applicant, dtype=np.int64),
        option_placement=np.asarray(option_placement, dtype=np.int64),
        option_score=np.asarray(option_score, dtype=np.int64),
        time_limit_s=None if time_limit is None else float(time_limit),
        input_sha256=hashlib.sha256(
            canonical_json(document) if canonical is None else canonical
        ).hexdigest(),
    )
