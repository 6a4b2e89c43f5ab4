"""Programme eligibility: each catalogue rule of the seed programmes, three-valued."""

import pytest

from haven.domain.eligibility import EligibilityInput, evaluate_programme
from haven.domain.hrd import HrdScreening
from haven.domain.vocabulary import Verdict
from tests.domain.builders import make_facts

DEFENDER = HrdScreening(status="defender", reasons=(), missing=())
OPEN_PROGRAMME = {
    "id": "fictional_open",
    "eligible_profiles": ["any_hrd"],
    "eligible_nationalities": None,
    "languages_required": [],
    "requires_return_intent": False,
    "family_allowed": True,
    "duration_months_min": 1,
    "requires_refugee_status": False,
    "must_be_outside_home_country": False,
    "host_countries": ["XA"],
}
FACTS = {
    "defender": {
        "nationalities": ["ZZ"],
        "current_country": "ZZ",
        "profiles": ["journalist"],
        "languages": ["en"],
        "peaceful_means": True,
        "intends_to_return": True,
    }
}


def verdict(
    programme_changes=None, defender_changes=None, *, hrd=DEFENDER, outcome="not_applicable"
):
    merged = {**FACTS["defender"], **(defender_changes or {})}
    facts = make_facts(defender={key: value for key, value in merged.items() if value is not None})
    data = EligibilityInput(facts=facts, hrd=hrd, protection_outcome=outcome)
    return evaluate_programme({**OPEN_PROGRAMME, **(programme_changes or {})}, data)


def test_open_programme_is_eligible_with_reasons():
    """With every rule passing the verdict is eligible, and the reasons say why."""
    result = verdict()

    assert result.eligible is Verdict.ELIGIBLE
    assert result.reasons


@pytest.mark.parametrize(
    ("programme", "defender", "expected"),
    [
        # defender rule
        ({}, {"peaceful_means": False}, False),
        # eligible_profiles
        ({"eligible_profiles": ["academic"]}, {}, False),
        ({"eligible_profiles": ["journalist"]}, {}, True),
        ({"eligible_profiles": ["academic"]}, {"profiles": []}, "unclear"),
        ({"eligible_profiles": None}, {}, "unclear"),
        # eligible_nationalities
        ({"eligible_nationalities": ["XB"]}, {}, False),
        ({"eligible_nationalities": ["ZZ"]}, {}, True),
        ({"eligible_nationalities": ["XB"]}, {"nationalities": []}, "unclear"),
        # languages_required
        ({"languages_required": ["fr"]}, {}, False),
        ({"languages_required": ["fr", "en"]}, {}, True),
        ({"languages_required": None}, {}, "unclear"),
        ({"languages_required": ["fr"]}, {"languages": None}, "unclear"),
        # requires_return_intent
        ({"requires_return_intent": True}, {"intends_to_return": False}, False),
        ({"requires_return_intent": True}, {"intends_to_return": None}, "unclear"),
        ({"requires_return_intent": None}, {"intends_to_return": False}, "unclear"),
        ({"requires_return_intent": None}, {"intends_to_return": True}, True),
        # family_allowed
        (
            {"family_allowed": False},
            {"dependants": [{"relation": "child", "would_accompany": True}]},
            False,
        ),
        (
            {"family_allowed": None},
            {"dependants": [{"relation": "child", "would_accompany": True}]},
            "unclear",
        ),
        (
            {"family_allowed": False},
            {"dependants": [{"relation": "child", "would_accompany": False}]},
            True,
        ),
        # duration_months_min
        ({"duration_months_min": 6}, {"available_months": 3}, False),
        ({"duration_months_min": None}, {"available_months": 3}, "unclear"),
        ({"duration_months_min": None}, {}, True),
        # must_be_outside_home_country
        ({"must_be_outside_home_country": True}, {}, False),
        ({"must_be_outside_home_country": True}, {"current_country": None}, "unclear"),
        ({"must_be_outside_home_country": True}, {"current_country": "XA"}, True),
        # host_countries
        ({"host_countries": ["ZZ"]}, {}, False),
        ({"host_countries": ["ZZ", "XA"]}, {}, True),
    ],
)
def test_rule_table(programme, defender, expected):
    """Each catalogue rule fails, passes or is unclear exactly as docs/decision-logic.md section 7 says."""
    assert expected == verdict(programme, defender).eligible.as_json()


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("refugee", True),
        ("further_evidence_needed", "unclear"),
        ("complementary_protection", False),
    ],
)
def test_refugee_status_rule(outcome, expected):
    """`requires_refugee_status` reads the protection engine's outcome (docs/decision-logic.md section 7)."""
    assert (
        expected == verdict({"requires_refugee_status": True}, outcome=outcome).eligible.as_json()
    )


@pytest.mark.parametrize(("status", "expected"), [("not_defender", False), ("unclear", "unclear")])
def test_defender_rule(status, expected):
    """The screening result gates every programme (docs/decision-logic.md section 7, defender rule)."""
    assert (
        expected
        == verdict(hrd=HrdScreening(status=status, reasons=(), missing=())).eligible.as_json()
    )


def test_failure_outranks_unclear_and_every_reason_is_kept():
    """Not eligible if any rule fails, even when another is unclear; every reason is listed."""
    result = verdict({"eligible_nationalities": ["XB"], "languages_required": None})

    assert result.eligible is Verdict.NOT_ELIGIBLE
    assert any("eligible_nationalities" in reason for reason in result.reasons)
    assert any("languages_required" in reason for reason in result.reasons)


def test_seed_catalogue_evaluates_every_programme():
    """Every programme of the seed catalogue gets a verdict."""
    from haven.domain.eligibility import evaluate_catalogue
    from haven.reference import seed_programmes

    catalogue = seed_programmes()
    data = EligibilityInput(
        facts=make_facts(**FACTS), hrd=DEFENDER, protection_outcome="not_applicable"
    )

    assert [programme["id"] for programme in catalogue] == [
        result.programme_id for result in evaluate_catalogue(catalogue, data)
    ]
