"""
``haven assess FACTS.json [--programmes CATALOGUE.json] [--format json|text]``.

Reads one ``haven.case-facts/1`` document, runs the decision engines and prints a
``haven.assessment/1`` document (``json``) or a report a caseworker can print (``text``).
Invalid input exits 2 with one line per problem on stderr, each naming its JSON path, and prints
nothing on stdout. Pure: this command never imports Django.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from haven.cli.commands import Subparsers, add_command
from haven.cli.documents import DocumentError, parse_document

EXIT_INVALID = 2


class InputError(Exception):
    """A file that cannot be used, with every problem as (where, message)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{where}: {message}" for where, message in self.problems))


def read_json(path: str, label: str) -> Any:
    """Parse a JSON file strictly (``haven.cli.documents``), raising ``InputError`` with a location."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError([(label, f"file not found: {path}")]) from None
    except OSError as error:
        raise InputError([(label, f"cannot read {path}: {error.__class__.__name__}")]) from None
    try:
        return parse_document(data)
    except DocumentError as error:
        raise InputError(
            [
                (label if where == "$" else f"{label} {where}", message)
                for where, message in error.problems
            ]
        ) from None


def catalogue_problems(catalogue: Any) -> list[tuple[str, str]]:
    """Structural problems in a programme catalogue, each with its JSON path."""
    if not isinstance(catalogue, list):
        return [("(catalogue)", "must be a list of programmes")]
    problems = []
    seen: set[str] = set()
    list_fields = (
        "eligible_profiles",
        "eligible_nationalities",
        "languages_required",
        "host_countries",
    )
    for index, programme in enumerate(catalogue):
        if not isinstance(programme, dict):
            problems.append((f"[{index}]", "must be an object"))
            continue
        programme_id = programme.get("id")
        if not isinstance(programme_id, str) or not programme_id:
            problems.append((f"[{index}].id", "is required and must be a string"))
        elif programme_id in seen:
            problems.append((f"[{index}].id", f"repeats the id {programme_id}"))
        else:
            seen.add(programme_id)
        for name in list_fields:
            value = programme.get(name)
            if value is not None and not (
                isinstance(value, list) and all(isinstance(item, str) for item in value)
            ):
                problems.append((f"[{index}].{name}", "must be a list of strings or null"))
        for name in (
            "requires_return_intent",
            "family_allowed",
            "requires_refugee_status",
            "must_be_outside_home_country",
        ):
            value = programme.get(name)
            if value is not None and not isinstance(value, bool):
                problems.append((f"[{index}].{name}", "must be true, false or null"))
        minimum = programme.get("duration_months_min")
        if minimum is not None and (
            isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum < 0
        ):
            problems.append(
                (f"[{index}].duration_months_min", "must be a number of months or null")
            )
    return problems


def run_assess(args: argparse.Namespace) -> int:
    """advise on one defender's case facts (screening, risk, protection, pathways, programmes)

    Run Haven's decision engines on a haven.case-facts/1 file. The output advises staff and legal
    advisers; it never decides. Exit status 2 means the facts were invalid (each problem is printed
    on stderr with its JSON path).
    """
    from haven.domain.assessment import assess
    from haven.domain.facts import FactsError, parse_facts
    from haven.reference import civicus_ratings

    try:
        data = read_json(args.facts, "(facts file)")
        facts = parse_facts(data)
        programmes = None
        if args.programmes:
            programmes = read_json(args.programmes, "(programmes file)")
            problems = catalogue_problems(programmes)
            if problems:
                raise InputError([(f"programmes {where}", message) for where, message in problems])
    except (InputError, FactsError) as error:
        for where, message in error.problems:
            print(f"haven assess: {where}: {message}", file=sys.stderr)
        return EXIT_INVALID
    result = assess(facts, programmes=programmes, civic_space_ratings=civicus_ratings())
    if args.format == "text":
        from haven.cli.assess_report import render_report

        sys.stdout.write(render_report(result))
    else:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "assess", run_assess)
    parser.add_argument("facts", metavar="FACTS.json", help="a haven.case-facts/1 document")
    parser.add_argument(
        "--programmes",
        metavar="CATALOGUE.json",
        help="a programme catalogue: adds each programme's eligibility",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json (machine format, default) or text (printable report)",
    )
