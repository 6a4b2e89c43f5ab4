"""The case-facts parser: every problem, with its JSON path; legal disagreements pass."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from haven.domain.facts import FactsError, parse_facts, schema_problems
from haven.reference import schema
from tests.domain.strategies import case_documents

BASE = {"schema": "haven.case-facts/1", "assessed_on": "2026-11-20"}


def problems_of(document) -> list[tuple[str, str]]:
    with pytest.raises(FactsError) as error:
        parse_facts(document)
    return list(error.value.problems)


@pytest.mark.parametrize(
    ("document", "path", "fragment"),
    [
        ({**BASE, "threats": [{"kind": "hex"}]}, "threats[0].kind", "unknown value"),
        ({**BASE, "threats": [{}]}, "threats[0].kind", "is required"),
        ({**BASE, "assessed_on": "2026-02-30"}, "assessed_on", "not a real date"),
        (
            {**BASE, "defender": {"nationalities": ["ru"]}},
            "defender.nationalities[0]",
            "two-letter",
        ),
        ({**BASE, "defender": {"nickname": "x"}}, "defender.nickname", "not a field"),
        ({**BASE, "schema": "haven.case-facts/2"}, "schema", "must be"),
        ({"assessed_on": "2026-11-20"}, "schema", "is required"),
        ({**BASE, "defender": {"birth_year": "1980"}}, "defender.birth_year", "type integer"),
        ([], "(document)", "type object"),
    ],
)
def test_schema_problems_name_the_field(document, path, fragment):
    """A schema violation is reported with the JSON path of the field at fault."""
    problems = problems_of(document)

    assert path in [where for where, _ in problems]
    assert fragment in dict(problems)[path]


def test_every_problem_is_reported_at_once():
    """All schema problems come back together, not one per attempt."""
    document = {
        **BASE,
        "threats": [{"kind": "hex"}, {"kind": "raid", "actor": "ghost"}],
        "context": {"civic_space": "wide"},
    }

    paths = [where for where, _ in problems_of(document)]

    assert sorted(paths) == ["context.civic_space", "threats[0].kind", "threats[1].actor"]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({**BASE, "threats": [{"kind": "raid", "date": "2026-12-01"}]}, "threats[0].date"),
        ({**BASE, "defender": {"birth_year": 2030}}, "defender.birth_year"),
        ({**BASE, "defender": {"stateless": True, "nationalities": ["ZZ"]}}, "defender.stateless"),
        (
            {
                **BASE,
                "defender": {"nationalities": ["ZZ"], "current_country": "ZZ"},
                "threats": [{"kind": "raid", "after_departure": True}],
            },
            "threats[0].after_departure",
        ),
        (
            {
                **BASE,
                "threats": [
                    {
                        "kind": "raid",
                        "reported_to_authorities": False,
                        "authority_response": "hostile",
                    }
                ],
            },
            "threats[0].authority_response",
        ),
        (
            {**BASE, "relocation": {"status": "none", "host_country": "NL"}},
            "relocation.host_country",
        ),
        (
            {**BASE, "relocation": {"status": "applied", "extensions_used": 1}},
            "relocation.extensions_used",
        ),
        (
            {**BASE, "relocation": {"status": "in_relocation", "end_date": "2026-10-01"}},
            "relocation.end_date",
        ),
        (
            {
                **BASE,
                "claim": {"sur_place": {"activities_abroad": False, "known_to_persecutor": True}},
            },
            "claim.sur_place.known_to_persecutor",
        ),
        (
            {**BASE, "context": {"safe_area": {"exists": False, "accessible": True}}},
            "context.safe_area.accessible",
        ),
    ],
)
def test_impossible_or_contradictory_facts_are_rejected(document, path):
    """Dates after the assessment and facts that contradict each other are rejected, naming the field."""
    assert path in [where for where, _ in problems_of(document)]


def test_defender_disagreeing_with_staff_is_not_an_error():
    """The defender's own view of risk is kept, not rejected: risk is contested."""
    facts = parse_facts({**BASE, "defender": {"own_risk_level": "critical"}})

    assert facts.defender.own_risk_level == "critical"


def test_return_after_departure_threats_are_allowed_for_a_returned_defender():
    """A defender who has come back may have been threatened while away."""
    document = {
        **BASE,
        "defender": {"nationalities": ["ZZ"], "current_country": "ZZ"},
        "threats": [{"kind": "raid", "after_departure": True}],
        "relocation": {"status": "returned"},
    }

    assert parse_facts(document).threats[0].after_departure is True


def test_absent_fields_mean_not_known():
    """An absent field is None (not known), never False."""
    facts = parse_facts(BASE)

    assert facts.defender.peaceful_means is None
    assert facts.defender.languages is None
    assert facts.claim.credibility is None


BREAKAGES = [
    lambda document: document | {"unknown_field": 1},
    lambda document: document | {"assessed_on": "2026-02-30"},
    lambda document: document | {"assessed_on": "20261120"},
    lambda document: document | {"threats": [{"kind": "hex"}]},
    lambda document: document | {"defender": {"nationalities": ["zz"]}},
    lambda document: document | {"defender": {"available_months": -1}},
    lambda document: (
        document | {"claim": {"feared_harms": [{"kind": "torture", "basis": ["rumour"]}]}}
    ),
    lambda document: document | {"claim": {"feared_harms": [{"kind": "torture", "basis": []}]}},
    lambda document: document | {"relocation": {"incidents_abroad": "two"}},
    lambda document: document,
]


@settings(max_examples=80, deadline=None)
@given(document=case_documents(), break_it=st.sampled_from(BREAKAGES))
def test_fast_validation_agrees_with_the_full_validator(document, break_it):
    """
    The compiled fast path accepts exactly what the full validator accepts, so a document never
    skips a check because it took the fast path (it answers "valid?" only).
    """
    candidate = break_it(document)
    full_verdict = Draft202012Validator(
        schema("case-facts"), format_checker=FormatChecker()
    ).is_valid(candidate)

    assert (schema_problems(candidate) == []) == full_verdict
