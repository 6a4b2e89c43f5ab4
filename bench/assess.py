"""
Assessments per second, against bare schema validation of the same files in the same run.

Reads the fictional case files under tests/domain/cases, then times (a) validating each against
the case-facts JSON Schema and nothing else, and (b) the full path of ``haven assess`` without
I/O: parse (schema + semantic checks) and every engine, with the seed catalogue. The ratio says
how many times dearer a full assessment is than validation alone, which is stable across machines.

The two are timed in alternating rounds and each keeps its fastest round, so a burst of load on a
shared machine slows one round of each rather than skewing the ratio.
"""

import json
import time
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from haven.domain.assessment import assess
from haven.domain.facts import parse_facts
from haven.reference import civicus_ratings, schema, seed_programmes

CASES = sorted((Path(__file__).parents[1] / "tests" / "domain" / "cases").glob("*.json"))
ROUNDS = 40


def one_round(step, documents) -> float:
    started = time.perf_counter()
    for document in documents:
        step(document)
    return time.perf_counter() - started


def fastest_rounds(steps, documents) -> list[float]:
    """Per step, documents per second in its fastest round; rounds alternate between steps."""
    for step in steps:
        step(documents[0])
    best = [float("inf")] * len(steps)
    for _ in range(ROUNDS):
        for index, step in enumerate(steps):
            best[index] = min(best[index], one_round(step, documents))
    return [len(documents) / seconds for seconds in best]


def main() -> None:
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in CASES]
    validator = Draft202012Validator(schema("case-facts"), format_checker=FormatChecker())
    programmes = seed_programmes()
    ratings = civicus_ratings()

    def validate_only(document):
        validator.is_valid(document)

    def full_assessment(document):
        assess(parse_facts(document), programmes=programmes, civic_space_ratings=ratings)

    baseline, assessed = fastest_rounds([validate_only, full_assessment], documents)
    print(f"cases: {len(documents)} files x {ROUNDS} alternating rounds, fastest kept")
    print(f"schema validation only: {baseline:,.0f} documents/s")
    print(f"full assessment with 22 programmes: {assessed:,.0f} assessments/s")
    print(f"ratio: a full assessment costs {baseline / assessed:.1f}x bare schema validation")


if __name__ == "__main__":
    main()
