"""
An import is validated on the fast path (issue 17, item 3): fastjsonschema answers "valid?" for
the whole file, and ``jsonschema`` lists every error with its path only for a file already known
to be invalid. The fast path must accept exactly what the full validator accepts.
"""

import copy
from collections.abc import Callable
from typing import Any

import fastjsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.cases.transfer import fast_import_validator, import_validator, validate_import
from tests.cases.factories import canary_facts, canary_identity
from tests.domain.strategies import case_documents
from tests.domain.test_facts import BREAKAGES as FACTS_BREAKAGES


def envelope(facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": "haven.case-import/1",
        "exported_at": "2026-11-30T21:00:00Z",
        "cases": [{"identity": canary_identity(), "facts": facts, "notes": ["A note."]}],
    }


def changed(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A breakage that sets ``path`` in a copy of the document to ``value``."""

    def apply(document: dict[str, Any]) -> dict[str, Any]:
        broken = copy.deepcopy(document)
        *parents, last = path
        target = broken
        for key in parents:
            target = target[key]
        target[last] = value
        return broken

    return apply


CASE = ("cases", 0)
ENVELOPE_BREAKAGES = [
    changed(("unknown_field",), 1),
    changed(("schema",), "haven.case-import/2"),
    changed(("exported_at",), "not a date-time, which jsonschema does not check here"),
    changed(("cases",), {}),
    changed((*CASE, "code"), 7),
    changed((*CASE, "external_reference"), "R" * 201),
    changed((*CASE, "identity"), {"phone": "+000"}),
    changed((*CASE, "identity", "legal_name"), ""),
    changed((*CASE, "identity", "birth_date"), "1987-02-30"),
    changed((*CASE, "identity", "birth_date"), "14 March 1987"),
    changed((*CASE, "identity", "birth_date"), "1987-03-14"),
    changed((*CASE, "notes"), [1]),
    changed((*CASE, "unknown_field"), 1),
]


def in_the_facts(break_facts: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
    """A breakage of case facts (``tests.domain.test_facts``), applied to the file's one case."""

    def apply(document: dict[str, Any]) -> dict[str, Any]:
        return changed((*CASE, "facts"), break_facts(document["cases"][0]["facts"]))(document)

    return apply


FACTS_IN_PLACE = [in_the_facts(break_facts) for break_facts in FACTS_BREAKAGES]


def fast_accepts(document: Any) -> bool:
    try:
        fast_import_validator()(document)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


@settings(max_examples=60, deadline=None)
@given(facts=case_documents(), break_it=st.sampled_from(ENVELOPE_BREAKAGES + FACTS_IN_PLACE))
def test_the_fast_path_accepts_exactly_what_the_full_validator_accepts(facts, break_it):
    """No file skips a check because it took the fast path, and none is refused by it alone."""
    candidate = break_it(envelope(facts))

    assert fast_accepts(candidate) == import_validator().is_valid(candidate)


def test_a_valid_file_is_not_listed_error_by_error(organisation, monkeypatch):
    """A valid file never reaches the slow listing of errors; an invalid one still gets it."""
    full = type(import_validator())
    listing = full.iter_errors
    calls: list[object] = []
    monkeypatch.setattr(
        full,
        "iter_errors",
        lambda self, instance: calls.append(instance) or listing(self, instance),
    )
    valid = envelope(canary_facts())
    invalid = changed((*CASE, "identity", "birth_date"), "14 March 1987")(valid)

    assert validate_import(valid, organisation) == []
    assert calls == []
    assert [path for path, _ in validate_import(invalid, organisation)] == [
        "$.cases[0].identity.birth_date"
    ]
    assert calls == [invalid]
