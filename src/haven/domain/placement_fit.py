"""
How well a placement suits a defender: the urgency tier, the fit score and the hard exclusions
that turn recorded case facts into one applicant of a ``haven.matching-problem/1`` document.

The matching research note (section 2.1) orders the layers: hard exclusions first (a host country
the persecutor reaches is never a soft score), then urgency as a lexicographic tier, then fit as a
bounded integer score inside a tier. This module computes each layer for one defender and one
programme and says why in plain words; the Django side only gathers the facts and stores the result.

The score is the sum of five bounded components, at most ``MAX_SCORE`` (the schema's limit):

* the defender's own ranking of the programmes they applied to (top three, fixed points per rank,
  as the research note recommends so cardinal weights cannot be gamed);
* whether the programme's kind answers what the defender wishes for;
* the share of the defender's health needs the programme provides for;
* a shared working language;
* regional proximity: a regional programme that serves the defender's region.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from haven.domain.facts import CaseFacts

MAX_SCORE = 1000
TIER_BY_RISK_LEVEL: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}
PREFERENCE_POINTS: Mapping[int, int] = {1: 400, 2: 300, 3: 200}
WISH_POINTS = 100
NEEDS_POINTS = 200
LANGUAGE_POINTS = 150
NO_LANGUAGE_REQUIREMENT_POINTS = 75
REGION_POINTS = 150

#: What in a programme's ``provides`` list answers each health need of the case-facts schema.
#: ``disability_access`` has no entry: the catalogue never records it, so it never counts as met.
PROVISION_FOR_NEED: Mapping[str, frozenset[str]] = {
    "medical": frozenset({"medical"}),
    "medication_continuity": frozenset({"medical", "insurance"}),
    "psychosocial": frozenset({"psychosocial", "trauma_support", "wellbeing_support", "self_care"}),
    "disability_access": frozenset(),
}

REGIONAL_SCOPES = frozenset({"regional", "in_country_or_regional"})


@dataclass(frozen=True)
class ScoreComponent:
    """One part of a fit score: its name (a stable code), its points and the reason in words."""

    name: str
    points: int
    reason: str


@dataclass(frozen=True)
class Fit:
    components: tuple[ScoreComponent, ...]

    @property
    def score(self) -> int:
        return min(MAX_SCORE, sum(component.points for component in self.components))


def tier_for_risk(level: str) -> int:
    """Return the matching tier (4 = most urgent) for an engine risk level."""
    try:
        return TIER_BY_RISK_LEVEL[level]
    except KeyError:
        raise ValueError(f"unknown risk level {level!r}") from None


def household_size(facts: CaseFacts) -> int:
    """Return the beds a household needs: the defender plus every dependant who would come along."""
    return 1 + sum(1 for dependant in facts.defender.dependants if dependant.would_accompany)


def _preference(rank: int | None) -> ScoreComponent:
    if rank is None or rank not in PREFERENCE_POINTS:
        return ScoreComponent("preference", 0, "The defender did not rank this programme.")
    return ScoreComponent(
        "preference", PREFERENCE_POINTS[rank], f"The defender ranks this programme {rank} of 3."
    )


def _wish(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    wishes = set(facts.defender.wishes)
    kind = programme.get("kind")
    provides = set(programme.get("provides") or ())
    answered: list[str] = []
    if "respite" in wishes and (kind == "respite" or "rest_respite" in provides):
        answered.append("respite")
    if "resettlement" in wishes and kind == "resettlement":
        answered.append("resettlement")
    if "return" in wishes and programme.get("requires_return_intent") is True:
        answered.append("return")
    if "return" in wishes and "return_follow_up" in provides:
        answered.append("return")
    if answered:
        return ScoreComponent(
            "wishes",
            WISH_POINTS,
            f"Answers the defender's wish for {', '.join(sorted(set(answered)))}.",
        )
    return ScoreComponent(
        "wishes", 0, "The programme's kind does not answer a wish the defender recorded."
    )


def _needs(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    needs = sorted(set(facts.defender.health_needs))
    if not needs:
        return ScoreComponent("needs", NEEDS_POINTS, "No health needs are recorded.")
    provides = set(programme.get("provides") or ())
    met = [need for need in needs if PROVISION_FOR_NEED.get(need, frozenset()) & provides]
    unmet = [need for need in needs if need not in met]
    points = NEEDS_POINTS * len(met) // len(needs)
    if not unmet:
        return ScoreComponent("needs", points, "Provides for every health need recorded.")
    words = ", ".join(need.replace("_", " ") for need in unmet)
    return ScoreComponent(
        "needs",
        points,
        f"Provides for {len(met)} of {len(needs)} health needs; nothing recorded for {words}.",
    )


def _language(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    required = programme.get("languages_required")
    languages = facts.defender.languages or ()
    if not required:
        return ScoreComponent(
            "language",
            NO_LANGUAGE_REQUIREMENT_POINTS,
            "The programme records no working language, so none can be checked.",
        )
    shared = [code for code in languages if code in required]
    if shared:
        return ScoreComponent(
            "language", LANGUAGE_POINTS, f"Shares a working language: {', '.join(shared)}."
        )
    return ScoreComponent("language", 0, "No working language in common is recorded.")


def _region(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    if programme.get("scope") not in REGIONAL_SCOPES:
        return ScoreComponent("region", 0, "An international programme, far from the region.")
    defender = facts.defender
    served = set(programme.get("eligible_nationalities") or ())
    hosts = set(programme.get("host_countries") or ())
    near = (served and served & set(defender.nationalities)) or (
        defender.current_country is not None and defender.current_country in hosts
    )
    if near:
        return ScoreComponent(
            "region",
            REGION_POINTS,
            "A regional programme serving the defender's region, close to their work.",
        )
    return ScoreComponent(
        "region", 0, "A regional programme, but the defender's region is not one it lists."
    )


def fit(
    facts: CaseFacts, programme: Mapping[str, Any], *, preference_rank: int | None = None
) -> Fit:
    """Return the fit of ``programme`` (a catalogue entry) for the defender in ``facts``."""
    return Fit(
        (
            _preference(preference_rank),
            _wish(facts, programme),
            _needs(facts, programme),
            _language(facts, programme),
            _region(facts, programme),
        )
    )


def reached_host_countries(
    possible_hosts: Iterable[str], persecutor_reach: Iterable[str]
) -> list[str]:
    """
    Return the possible host countries the persecutor is known to reach, sorted.

    A placement whose host country is not fixed yet could be in any of the programme's host
    countries, so the caller passes all of them: one reached country excludes the placement.
    """
    return sorted(set(possible_hosts) & set(persecutor_reach))


#: Why a placement cannot meet the date a defender must leave by (``departure_conflict``).
STARTS_AFTER_MUST_LEAVE_BY = "starts_after_must_leave_by"
START_NOT_KNOWN = "start_not_known"


def departure_conflict(
    stay_starts_on: datetime.date | None, must_leave_by: datetime.date | None
) -> str | None:
    """
    Whether a placement's stay begins too late for a defender who must leave by a date.

    A stay starting on the must-leave-by day itself is in time; one starting later is not. A
    placement whose start is not known cannot be shown to be in time, so it is excluded too
    (security before fit, research note 2.1): staff set the start, then match again. No date to
    leave by means no conflict.
    """
    if must_leave_by is None:
        return None
    if stay_starts_on is None:
        return START_NOT_KNOWN
    if stay_starts_on > must_leave_by:
        return STARTS_AFTER_MUST_LEAVE_BY
    return None
