"""
``haven match PROBLEM.json``: place applicants in host-programme placements and explain the rest.

Reads a ``haven.matching-problem/1`` document and prints a ``haven.matching-result/1`` document
(``spec/matching.schema.json``) on stdout. An invalid problem exits 2 with one line per error on
stderr, each naming its JSON path, and prints nothing on stdout. The command never loads Django.

Schema validation runs twice only when it must: a compiled validator (fastjsonschema) answers
"valid?" in a fraction of a second even for thousands of applicants, and only an invalid document
is handed to ``jsonschema``, which lists every error with its path but is twenty times slower.
"""

import argparse
import json
import sys
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from haven.cli.commands import Subparsers, add_command
from haven.cli.documents import DocumentError, parse_document

EXIT_INVALID = 2


@cache
def _problem_schema() -> dict[str, Any]:
    text = resources.files("haven").joinpath("spec/matching.schema.json").read_text("utf-8")
    schema = json.loads(text)
    problem = dict(schema["$defs"]["problem"])
    problem["$defs"] = schema["$defs"]
    return problem


def _json_path(parts: Iterable[object]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def schema_errors(document: Any) -> list[tuple[str, str]]:
    """Return (JSON path, message) for every way the document breaks ``$defs/problem``."""
    import fastjsonschema

    schema = _problem_schema()
    try:
        fastjsonschema.validate(
            {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}, document
        )
    except fastjsonschema.JsonSchemaValueException as fast_error:
        from jsonschema import Draft202012Validator

        errors = sorted(
            Draft202012Validator(schema).iter_errors(document),
            key=lambda error: list(map(str, error.absolute_path)),
        )
        if errors:
            return [(_json_path(error.absolute_path), error.message) for error in errors]
        return [(str(fast_error.name).replace("data", "$", 1), str(fast_error.message))]
    return []


def _fail(lines: Iterable[str]) -> int:
    for line in lines:
        print(f"haven match: {line}", file=sys.stderr)
    return EXIT_INVALID


def run_match(args: argparse.Namespace) -> int:
    """place applicants in programme placements, most urgent first, and explain the rest

    Read a matching problem (haven.matching-problem/1) and print the result
    (haven.matching-result/1): as many applicants of the highest tier as possible, then the next
    tier, then the greatest total score; families are never split. Exit 2 on an invalid problem,
    naming each error's JSON path.
    """
    from haven.domain.matching import MatchingProblemError, parse_problem, result_to_json, solve

    try:
        with open(args.problem, "rb") as handle:
            document = parse_document(handle.read())
    except OSError as error:
        return _fail([f"cannot read {args.problem}: {error.strerror}"])
    except DocumentError as error:
        return _fail(f"{path}: {message}" for path, message in error.problems)
    errors = schema_errors(document)
    if errors:
        return _fail(f"{path}: {message}" for path, message in errors)
    try:
        problem = parse_problem(document)
    except MatchingProblemError as error:
        return _fail(f"{issue.path}: {issue.message}" for issue in error.issues)
    result = solve(problem, time_limit_s=args.time_limit, seed=args.seed)
    output = result_to_json(result)
    print(json.dumps(output, indent=2 if args.pretty else None, ensure_ascii=False))
    return 0


def _non_negative_seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("the time limit must be a number of seconds, 0 or more")
    return value


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "match", run_match)
    parser.add_argument("problem", metavar="PROBLEM.json", help="the problem document")
    parser.add_argument(
        "--time-limit",
        type=_non_negative_seconds,
        default=None,
        metavar="SECONDS",
        help="return within about this many seconds (plus reading and writing the documents); "
        "a search stopped by it reports status feasible and its proven gap "
        "(overrides the problem's time_limit_s; default 60)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="lottery seed for the greedy baseline (default 0)"
    )
    parser.add_argument("--pretty", action="store_true", help="indent the JSON output")
