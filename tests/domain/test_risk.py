"""Risk now and on return (Protection International: risk = threats x vulnerabilities / capacities)."""

import pytest

from haven.domain.risk import CivicSpaceRatings, assess_risk, assess_risk_on_return, risk_views
from tests.domain.builders import make_facts


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({}, "low"),
        ({"threats": [{"kind": "online_harassment", "actor": "unknown"}]}, "low"),
        (
            {
                "threats": [
                    {
                        "kind": "surveillance",
                        "actor": "police",
                        "ongoing": True,
                        "linked_to_work": True,
                    }
                ],
                "context": {"civic_space": "repressed"},
            },
            "medium",
        ),
        (
            {
                "threats": [
                    {
                        "kind": "death_threat",
                        "actor": "paramilitary",
                        "ongoing": True,
                        "linked_to_work": True,
                    }
                ]
            },
            "high",
        ),
        (
            {
                "threats": [
                    {
                        "kind": "killing_attempt",
                        "actor": "paramilitary",
                        "date": "2026-10-01",
                        "linked_to_work": True,
                    },
                    {
                        "kind": "death_threat",
                        "actor": "paramilitary",
                        "ongoing": True,
                        "linked_to_work": True,
                    },
                ],
                "context": {"civic_space": "repressed", "impunity_for_attacks_on_defenders": True},
            },
            "critical",
        ),
    ],
)
def test_level_table(sections, expected):
    """Threat kind, actor, recency, ongoing threats and context set the level (PI New Protection Manual ch. 1.2)."""
    assert expected == assess_risk(make_facts(**sections)).level


def test_grave_harm_sets_a_floor():
    """A recent attempt on the defender's life makes the risk at least high, even with many capacities."""
    facts = make_facts(
        threats=[
            {
                "kind": "killing_attempt",
                "date": "2026-09-01",
                "actor": "unknown",
                "linked_to_work": False,
            }
        ],
        capacities=[
            "network_support",
            "legal_support",
            "safe_accommodation",
            "protective_accompaniment",
            "emergency_fund",
        ],
    )

    risk = assess_risk(facts)

    assert risk.level == "high"
    assert any("Raised to high" in reason for reason in risk.reasons)


def test_old_threats_weigh_less_than_recent_ones():
    """A threat three years old weighs less than the same threat last month (recency)."""
    old = assess_risk(make_facts(threats=[{"kind": "raid", "date": "2023-10-01"}]))
    recent = assess_risk(make_facts(threats=[{"kind": "raid", "date": "2026-10-20"}]))

    assert old.score < recent.score


def test_drivers_are_named():
    """The reasons name the threats that drive the score."""
    risk = assess_risk(make_facts(threats=[{"kind": "death_threat", "actor": "paramilitary"}]))

    assert any("death threat by paramilitary" in reason for reason in risk.reasons)


def test_civic_space_falls_back_to_ratings_and_says_so():
    """Without a recorded civic space the country rating is used, and the reason names its origin."""
    ratings = CivicSpaceRatings(ratings={"ZZ": "closed"}, source="CIVICUS Monitor 2025")
    facts = make_facts(threats=[{"kind": "raid"}], context={"country": "ZZ"})

    with_rating = assess_risk(facts, civic_space_ratings=ratings)
    without = assess_risk(facts)

    assert with_rating.score > without.score
    assert any("CIVICUS Monitor 2025 rating for ZZ" in reason for reason in with_rating.reasons)


def test_recorded_civic_space_wins_over_ratings():
    """A civic space recorded in the facts is used as recorded."""
    ratings = CivicSpaceRatings(ratings={"ZZ": "closed"}, source="CIVICUS Monitor 2025")
    facts = make_facts(threats=[{"kind": "raid"}], context={"country": "ZZ", "civic_space": "open"})

    assert any(
        "civic space open (as recorded)" in reason
        for reason in assess_risk(facts, civic_space_ratings=ratings).reasons
    )


ABROAD = {"nationalities": ["ZZ"], "current_country": "XA"}


def test_no_risk_on_return_for_a_defender_at_home():
    """Risk on return does not arise for a defender at home and not relocating."""
    facts = make_facts(
        defender={"nationalities": ["ZZ"], "current_country": "ZZ"}, context={"country": "ZZ"}
    )

    assert assess_risk_on_return(facts) is None


def test_prosecution_in_absentia_means_arrest_on_return():
    """A conviction in absentia makes the risk on return at least high (arrest on arrival)."""
    facts = make_facts(
        defender=ABROAD,
        context={"country": "ZZ"},
        prosecutions=[{"charge": "defamation", "stage": "in_absentia"}],
        capacities=["legal_support", "network_support"],
    )

    on_return = assess_risk_on_return(facts)

    assert on_return is not None
    assert on_return.level == "high"


def test_monitoring_abroad_raises_risk_on_return():
    """Monitoring of defenders abroad and known activity abroad raise risk on return (S.F. v Sweden)."""
    plain = make_facts(
        defender=ABROAD, context={"country": "ZZ"}, threats=[{"kind": "surveillance"}]
    )
    watched = make_facts(
        defender=ABROAD,
        context={"country": "ZZ", "diaspora_monitored": True},
        threats=[{"kind": "surveillance"}],
        claim={"sur_place": {"activities_abroad": True, "known_to_persecutor": True}},
    )

    assert assess_risk_on_return(watched).score > assess_risk_on_return(plain).score


def test_views_name_their_divergence():
    """Staff and defender views sit beside the engine's and say how far apart they are."""
    facts = make_facts(threats=[{"kind": "online_harassment"}])
    engine = assess_risk(facts)

    views = {
        view.source: view
        for view in risk_views(engine, None, staff_level="medium", defender_level="critical")
    }

    assert views["engine"].level == "low"
    assert views["staff"].divergence == "1 level(s) above the engine's view (low)"
    assert (
        views["defender"].divergence
        == "3 level(s) above the engine's view (low); staff rate it medium"
    )
