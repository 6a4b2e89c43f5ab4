"""
Record the output of ``haven assess`` and ``haven match`` on every fixture, then prove a refactor
left it unchanged.

    .venv/bin/python tests/engine_snapshots.py record DIR    # inputs and outputs into DIR
    .venv/bin/python tests/engine_snapshots.py compare DIR   # rerun DIR's inputs, diff outputs

The inputs are gathered once, at ``record`` time, and kept in ``DIR/inputs`` so that ``compare``
runs exactly the same documents even after the generators in the repository change:

* every case-facts file under ``tests/domain/cases`` (the schema's published examples among them);
* the facts of 360 fictional cases (``haven.fictional``, three seeds);
* 400 documents drawn, derandomised, from the Hypothesis strategy the property tests use;
* matching problems: the CLI test's problem, seeded benchmark instances (unit demand and families)
  and one problem built from the fictional cases through the engines (tier from risk, score from
  placement fit, options only where eligibility says eligible).

Each assessment runs three ways through the CLI entry point (``haven.cli.main``): JSON without a
catalogue, JSON with the seed catalogue, and the printable text report. The one engine value allowed to
differ is the rules digest inside ``engine_version`` (``1.0.0+rules.<digest>``): it is a hash of
the rule modules' source, so any edit to them changes it by design. ``compare`` masks that digest
(the declared version stays compared), and the wall-clock ``seconds`` of a matching
result, and requires every other byte to match.

This file is a tool, not a test module (pytest does not collect it); it never loads Django.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "src" / "haven" / "data" / "programmes.json"
RULES_DIGEST_PREFIX = re.compile(r"\+rules\.[0-9a-f]{12}")
SOLVER_SECONDS_FIELD = re.compile(r'"seconds": [0-9.e-]+')


def _facts_inputs() -> dict[str, Any]:
    from hypothesis import HealthCheck, given, settings

    from haven.fictional.cases import generate_cases
    from tests.domain.strategies import case_documents

    inputs: dict[str, Any] = {}
    for path in sorted((ROOT / "tests" / "domain" / "cases").glob("*.json")):
        inputs[f"tests-{path.stem}"] = json.loads(path.read_text(encoding="utf-8"))
    for seed in (1, 2, 3):
        for case in generate_cases(120, seed=seed).document["cases"]:
            inputs[f"fictional-{seed}-{case['external_reference']}"] = case["facts"]
    drawn: list[dict[str, Any]] = []

    @settings(
        derandomize=True,
        max_examples=400,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case_documents())
    def collect(document: dict[str, Any]) -> None:
        drawn.append(document)

    collect()
    for index, document in enumerate(drawn):
        inputs[f"hypothesis-{index:03d}"] = document
    return inputs


def _problem_from_fictional_cases() -> dict[str, Any]:
    from haven.domain.assessment import assess
    from haven.domain.facts import parse_facts
    from haven.domain.placement_fit import fit, household_size, tier_for_risk
    from haven.fictional.cases import generate_cases
    from haven.reference import civicus_ratings, seed_programmes

    programmes = seed_programmes()
    applicants = []
    for case in generate_cases(60, seed=7).document["cases"]:
        facts = parse_facts(case["facts"])
        result = assess(facts, programmes=programmes, civic_space_ratings=civicus_ratings())
        eligible = {item["id"] for item in result["programmes"] if item["eligible"] is True}
        options = [
            {"placement": programme["id"], "score": fit(facts, programme).score}
            for programme in programmes
            if programme["id"] in eligible
        ]
        if options:
            applicants.append(
                {
                    "id": case["external_reference"],
                    "tier": tier_for_risk(result["risk"]["level"]),
                    "demand": {"places": 1, "beds": household_size(facts)},
                    "options": options,
                }
            )
    return {
        "schema": "haven.matching-problem/1",
        "resources": ["places", "beds"],
        "placements": [
            {"id": programme["id"], "capacity": {"places": 2, "beds": 4}}
            for programme in programmes
        ],
        "applicants": applicants,
    }


def _problem_inputs() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    from matching import make_instance  # type: ignore[import-not-found]
    from tests.cli.test_match import problem

    inputs: dict[str, Any] = {"cli-test-problem": problem()}
    for seed in (1, 2, 3):
        inputs[f"bench-unit-{seed}"] = make_instance(200, 20, families=False, seed=seed)
        inputs[f"bench-families-{seed}"] = make_instance(120, 12, families=True, seed=seed)
    inputs["fictional-problem"] = _problem_from_fictional_cases()
    return inputs


def _run(argv: list[str]) -> str:
    from haven.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return f"exit {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"


def _mask(text: str) -> str:
    return RULES_DIGEST_PREFIX.sub("+rules.(masked)", text)


def _outputs(directory: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    for path in sorted((directory / "inputs" / "facts").glob("*.json")):
        for label, extra in (
            ("json", []),
            ("catalogue", ["--programmes", str(CATALOGUE)]),
            ("text", ["--programmes", str(CATALOGUE), "--format", "text"]),
        ):
            outputs[f"assess-{label}-{path.stem}"] = _mask(_run(["assess", str(path), *extra]))
    for path in sorted((directory / "inputs" / "problems").glob("*.json")):
        text = _run(["match", str(path)])
        outputs[f"match-{path.stem}"] = SOLVER_SECONDS_FIELD.sub('"seconds": (masked)', text)
    return outputs


def record(directory: Path) -> None:
    for kind, inputs in (("facts", _facts_inputs()), ("problems", _problem_inputs())):
        folder = directory / "inputs" / kind
        folder.mkdir(parents=True, exist_ok=True)
        for name, document in inputs.items():
            (folder / f"{name}.json").write_text(json.dumps(document, indent=1), "utf-8")
    folder = directory / "outputs"
    folder.mkdir(parents=True, exist_ok=True)
    outputs = _outputs(directory)
    for name, text in outputs.items():
        (folder / f"{name}.txt").write_text(text, "utf-8")
    print(f"recorded {len(outputs)} outputs in {folder}")


def compare(directory: Path) -> int:
    outputs = _outputs(directory)
    recorded = {
        path.stem: path.read_text("utf-8") for path in (directory / "outputs").glob("*.txt")
    }
    differing = sorted(name for name in outputs if outputs[name] != recorded.get(name))
    missing = sorted(set(recorded) - set(outputs))
    for name in differing:
        print(f"differs: {name}")
    for name in missing:
        print(f"missing: {name}")
    print(
        f"compared {len(outputs)} outputs: {len(outputs) - len(differing)} byte-identical,"
        f" {len(differing)} differ, {len(missing)} missing"
    )
    return 1 if differing or missing else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) != 3 or sys.argv[1] not in ("record", "compare"):
        sys.exit(__doc__)
    target = Path(sys.argv[2])
    if sys.argv[1] == "record":
        record(target)
    else:
        sys.exit(compare(target))
