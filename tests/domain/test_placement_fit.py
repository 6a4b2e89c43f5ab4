"""Tiers, fit scores and exclusions for one defender and one programme (exclusions, then tier, then fit)."""

import datetime

import pytest

from haven.domain.messages import LANGUAGE, Message
from haven.domain.placement_fit import (
    EXCLUDED_AFTER_MUST_LEAVE_BY,
    EXCLUDED_PERSECUTOR_REACH,
    EXCLUDED_START_NOT_KNOWN,
    FIT_MESSAGES,
    LANGUAGE_POINTS,
    MAX_SCORE,
    NEEDS_POINTS,
    NO_LANGUAGE_REQUIREMENT_POINTS,
    PLACEMENT_MESSAGES,
    PREFERENCE_POINTS,
    REGION_POINTS,
    START_NOT_KNOWN,
    STARTS_AFTER_MUST_LEAVE_BY,
    WISH_POINTS,
    departure_conflict,
    exclusion_message,
    fit,
    household_size,
    reached_host_countries,
    tier_for_risk,
)
from tests.domain.builders import make_facts

PROGRAMME = {
    "kind": "respite",
    "scope": "international",
    "host_countries": ["NL"],
    "languages_required": ["en", "fr"],
    "provides": ["medical", "housing"],
    "eligible_nationalities": None,
}


def points(result, name):
    return next(component.points for component in result.components if component.name == name)


@pytest.mark.parametrize(
    ("level", "tier"), [("low", 1), ("medium", 2), ("high", 3), ("critical", 4)]
)
def test_tiers_follow_the_risk_level_most_urgent_highest(level, tier):
    """Critical risk is tier 4 and low risk tier 1, as the matcher expects (higher = more urgent)."""
    assert tier_for_risk(level) == tier


def test_an_unknown_risk_level_is_refused():
    """A level the risk engine never gives is an error, not a silent tier."""
    with pytest.raises(ValueError, match="unknown risk level"):
        tier_for_risk("extreme")


def test_the_household_counts_only_dependants_who_come_along():
    """Beds needed: the defender plus accompanying dependants, not those who stay behind."""
    facts = make_facts(
        defender={
            "dependants": [
                {"relation": "child", "would_accompany": True},
                {"relation": "partner", "would_accompany": False},
                {"relation": "child", "would_accompany": True},
            ]
        }
    )

    assert household_size(facts) == 3


def test_a_perfect_fit_scores_every_component():
    """Ranked first, wish answered, needs met, shared language: each component gives its points."""
    facts = make_facts(
        defender={"languages": ["fr"], "health_needs": ["medical"], "wishes": ["respite"]}
    )

    result = fit(facts, PROGRAMME, preference_rank=1)

    assert points(result, "preference") == PREFERENCE_POINTS[1]
    assert points(result, "wishes") == WISH_POINTS
    assert points(result, "needs") == NEEDS_POINTS
    assert points(result, "language") == LANGUAGE_POINTS
    assert points(result, "region") == 0
    assert result.score == PREFERENCE_POINTS[1] + WISH_POINTS + NEEDS_POINTS + LANGUAGE_POINTS
    assert result.score <= MAX_SCORE


def test_unmet_health_needs_lower_the_score_and_are_named():
    """Half the needs met gives half the points; the reason names what is missing."""
    facts = make_facts(defender={"health_needs": ["medical", "disability_access"]})

    component = next(c for c in fit(facts, PROGRAMME).components if c.name == "needs")

    assert component.points == NEEDS_POINTS // 2
    assert "disability access" in component.reason


def test_an_unranked_programme_gets_no_preference_points():
    """Without the defender's ranking the preference component is zero and says so."""
    result = fit(make_facts(), PROGRAMME)

    assert points(result, "preference") == 0


def test_a_programme_without_a_language_rule_gets_partial_language_points():
    """No language recorded by the programme: fewer points than a confirmed shared language."""
    facts = make_facts(defender={"languages": ["es"]})

    result = fit(facts, PROGRAMME | {"languages_required": []})

    assert points(result, "language") == NO_LANGUAGE_REQUIREMENT_POINTS < LANGUAGE_POINTS


def test_a_regional_programme_for_the_defenders_region_scores_proximity():
    """A regional programme listing the defender's nationality is close to home; others are not."""
    regional = PROGRAMME | {"scope": "regional", "eligible_nationalities": ["KG", "KZ"]}

    near = fit(make_facts(defender={"nationalities": ["KG"]}), regional)
    far = fit(make_facts(defender={"nationalities": ["CO"]}), regional)

    assert points(near, "region") == REGION_POINTS
    assert points(far, "region") == 0


def test_any_reached_host_country_is_reported():
    """One possible host country within the persecutor's reach is enough to report it."""
    assert reached_host_countries(["GE", "AM"], ["RU", "GE"]) == ["GE"]
    assert reached_host_countries(["NL"], ["RU"]) == []


@pytest.mark.parametrize(
    ("starts", "leave_by", "expected"),
    [
        (datetime.date(2027, 3, 1), None, None),
        (None, None, None),
        (datetime.date(2027, 3, 1), datetime.date(2027, 3, 1), None),
        (datetime.date(2027, 2, 1), datetime.date(2027, 3, 1), None),
        (datetime.date(2027, 3, 2), datetime.date(2027, 3, 1), STARTS_AFTER_MUST_LEAVE_BY),
        (None, datetime.date(2027, 3, 1), START_NOT_KNOWN),
    ],
)
def test_a_stay_must_begin_by_the_date_the_defender_must_leave(starts, leave_by, expected):
    """Starting on the day is in time, a day later is not, and an unknown start is not shown in time."""
    assert departure_conflict(starts, leave_by) == expected


@pytest.mark.parametrize(
    ("defender", "rank", "programme_changes"),
    [
        ({"languages": ["fr"], "health_needs": ["medical"], "wishes": ["respite"]}, 1, {}),
        ({"health_needs": ["medical", "disability_access"]}, None, {"kind": "fellowship"}),
        ({"languages": ["de"]}, 2, {"languages_required": None, "scope": "regional"}),
        ({"nationalities": ["NL"]}, 3, {"scope": "regional", "eligible_nationalities": ["NL"]}),
        ({"languages": ["de"]}, None, {}),
    ],
)
def test_every_fit_reason_carries_its_key_and_parameters(defender, rank, programme_changes):
    """Rule 12: each component's reason is a keyed message of the fit catalogue, same English."""
    facts = make_facts(defender=defender)

    result = fit(facts, PROGRAMME | programme_changes, preference_rank=rank)

    for component in result.components:
        assert isinstance(component.reason, Message)
        assert FIT_MESSAGES[component.reason.key] is component.reason.template
        assert component.reason == component.reason.template.text % component.reason.params


def test_a_shared_language_is_a_language_code_parameter():
    """The web names the shared languages in the reader's language, so they stay codes here."""
    facts = make_facts(defender={"languages": ["fr", "en"]})

    language = next(c for c in fit(facts, PROGRAMME).components if c.name == "language")

    assert language.reason == "Shares a working language: fr, en."
    assert language.reason.params["languages"].codes == ("fr", "en")
    assert language.reason.params["languages"].kind == LANGUAGE


@pytest.mark.parametrize(
    ("code", "details", "key", "english"),
    [
        (
            EXCLUDED_PERSECUTOR_REACH,
            {"reached": ["GE", "AM"]},
            "matching.excluded.persecutor_reaches",
            "excluded: the persecutor is known to reach AM, GE",
        ),
        (
            EXCLUDED_AFTER_MUST_LEAVE_BY,
            {
                "must_leave_by": datetime.date(2026, 3, 1),
                "stay_starts_on": datetime.date(2026, 4, 1),
            },
            "matching.excluded.starts_too_late",
            "excluded: this window's stay starts on 2026-04-01, after 2026-03-01, the date the "
            "defender must leave by",
        ),
        (
            EXCLUDED_START_NOT_KNOWN,
            {"must_leave_by": datetime.date(2026, 3, 1)},
            "matching.excluded.start_unknown",
            "excluded: this window has no start date, so it cannot be shown to start by "
            "2026-03-01, the date the defender must leave by",
        ),
        (
            EXCLUDED_AFTER_MUST_LEAVE_BY,
            {},
            "matching.excluded.starts_after_must_leave_by",
            "excluded: this window's stay starts after the date the defender must leave by",
        ),
        ("a_later_code", {}, "matching.excluded.other", "excluded: a_later_code"),
    ],
)
def test_an_exclusion_is_a_keyed_message_with_its_countries_and_dates(code, details, key, english):
    """Exclusions name what is known (reached countries, dates) as parameters the web translates."""
    message = exclusion_message(code, **details)

    assert message.key == key
    assert message == english
    assert PLACEMENT_MESSAGES[key] is message.template


def test_equal_components_are_one_shared_instance_with_unchanged_reasons():
    """
    A run scores hundreds of options, so each component (and its reason) is made once and
    shared: two defenders who rank and speak alike get the same instances, which still say the
    same words and keys as a component made afresh.
    """
    first = fit(make_facts(defender={"languages": ["fr", "es"]}), PROGRAMME, preference_rank=2)
    second = fit(make_facts(defender={"languages": ["fr", "es"]}), PROGRAMME, preference_rank=2)
    assert all(a is b for a, b in zip(first.components, second.components, strict=True))
    language = next(part for part in first.components if part.name == "language")
    assert language.reason == "Shares a working language: fr."
    assert language.reason.key == "matching.fit.language.shared"
    assert language.reason.params["languages"].kind == LANGUAGE
    preference = next(part for part in first.components if part.name == "preference")
    assert (preference.points, preference.reason.params) == (PREFERENCE_POINTS[2], {"rank": "2"})
