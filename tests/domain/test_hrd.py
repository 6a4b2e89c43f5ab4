"""Defender screening (UN Declaration on HRDs art 1; OHCHR Fact Sheet 29)."""

import pytest

from haven.domain.hrd import screen_defender
from tests.domain.builders import make_facts

COMPLETE = {"activities": ["press_freedom"], "peaceful_means": True, "accepts_universality": True}


@pytest.mark.parametrize(
    ("defender", "expected"),
    [
        (COMPLETE, "defender"),
        ({**COMPLETE, "peaceful_means": False}, "not_defender"),
        ({**COMPLETE, "accepts_universality": False}, "not_defender"),
        ({**COMPLETE, "activities": []}, "unclear"),
        ({"activities": ["press_freedom"]}, "unclear"),
        ({"profiles": ["lgbti"]}, "unclear"),
    ],
)
def test_screening_table(defender, expected):
    """Defenders are recognised by what they do, peacefully and accepting universality (Declaration art 1, art 12; Fact Sheet 29)."""
    assert expected == screen_defender(make_facts(defender=defender)).status


def test_unclear_screening_names_what_is_missing():
    """Thin facts give `unclear` with every missing fact named."""
    screening = screen_defender(make_facts(defender={"profiles": ["journalist"]}))

    assert screening.missing == (
        "defender.activities",
        "defender.peaceful_means",
        "defender.accepts_universality",
    )
    assert any("journalist" in reason for reason in screening.reasons)


def test_violence_outweighs_activity():
    """Someone who uses violence is not a defender even with recorded rights work (Fact Sheet 29: peaceful action)."""
    screening = screen_defender(make_facts(defender={**COMPLETE, "peaceful_means": False}))

    assert screening.status == "not_defender"
    assert any("Fact Sheet 29" in reason for reason in screening.reasons)
