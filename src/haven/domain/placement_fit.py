"""
How well a placement suits a defender: the urgency tier, the fit score and the hard exclusions
that turn recorded case facts into one applicant of a ``haven.matching-problem/1`` document.

The layers come in this order, as in the refugee-resettlement matching literature (Trapp et al.,
"Placement optimization in refugee resettlement", Operations Research 2021; Delacretaz, Kominers
and Teytelboym, "Matching mechanisms for refugee resettlement"): hard exclusions first (a host
country the persecutor reaches is never a soft score), then urgency as a lexicographic tier, then
fit as a bounded integer score inside a tier. This module computes each layer for one defender and one
programme and says why in plain words; the Django side only gathers the facts and stores the result.

The score is the sum of five bounded components, at most ``MAX_SCORE`` (the schema's limit):

* the defender's own ranking of the programmes they applied to (top three, fixed points per rank,
  so that cardinal weights, which an applicant could overstate, cannot be gamed);
* whether the programme's kind answers what the defender wishes for;
* the share of the defender's health needs the programme provides for;
* a shared working language;
* regional proximity: a regional programme that serves the defender's region.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from haven.domain.facts import CaseFacts
from haven.domain.messages import (
    COUNTRY,
    LANGUAGE,
    Codes,
    Day,
    Message,
    MessageTemplate,
    gettext_noop,
    templates_by_key,
)
from haven.domain.vocabulary import RiskLevel

MAX_SCORE = 1000
TIER_BY_RISK_LEVEL: Mapping[RiskLevel, int] = {
    RiskLevel.LOW: 1,
    RiskLevel.MEDIUM: 2,
    RiskLevel.HIGH: 3,
    RiskLevel.CRITICAL: 4,
}
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


PREFERENCE_UNRANKED = MessageTemplate(
    "matching.fit.preference.unranked", gettext_noop("The defender did not rank this programme.")
)
PREFERENCE_RANKED = MessageTemplate(
    "matching.fit.preference.ranked",
    gettext_noop("The defender ranks this programme %(rank)s of 3."),
)
WISHES_ANSWERED = MessageTemplate(
    "matching.fit.wishes.answered", gettext_noop("Answers the defender's wish for %(wishes)s.")
)
WISHES_UNANSWERED = MessageTemplate(
    "matching.fit.wishes.unanswered",
    gettext_noop("The programme's kind does not answer a wish the defender recorded."),
)
NEEDS_NONE = MessageTemplate(
    "matching.fit.needs.none", gettext_noop("No health needs are recorded.")
)
NEEDS_ALL = MessageTemplate(
    "matching.fit.needs.all", gettext_noop("Provides for every health need recorded.")
)
NEEDS_SOME = MessageTemplate(
    "matching.fit.needs.some",
    gettext_noop("Provides for %(met)s of %(needs)s health needs; nothing recorded for %(unmet)s."),
)
LANGUAGE_UNRECORDED = MessageTemplate(
    "matching.fit.language.unrecorded",
    gettext_noop("The programme records no working language, so none can be checked."),
)
LANGUAGE_SHARED = MessageTemplate(
    "matching.fit.language.shared", gettext_noop("Shares a working language: %(languages)s.")
)
LANGUAGE_NONE = MessageTemplate(
    "matching.fit.language.none", gettext_noop("No working language in common is recorded.")
)
REGION_INTERNATIONAL = MessageTemplate(
    "matching.fit.region.international",
    gettext_noop("An international programme, far from the region."),
)
REGION_NEAR = MessageTemplate(
    "matching.fit.region.near",
    gettext_noop("A regional programme serving the defender's region, close to their work."),
)
REGION_ELSEWHERE = MessageTemplate(
    "matching.fit.region.elsewhere",
    gettext_noop("A regional programme, but the defender's region is not one it lists."),
)

#: Every keyed message of the fit score, by key (the catalogue tests walk it).
FIT_MESSAGES: Mapping[str, MessageTemplate] = templates_by_key(
    PREFERENCE_UNRANKED,
    PREFERENCE_RANKED,
    WISHES_ANSWERED,
    WISHES_UNANSWERED,
    NEEDS_NONE,
    NEEDS_ALL,
    NEEDS_SOME,
    LANGUAGE_UNRECORDED,
    LANGUAGE_SHARED,
    LANGUAGE_NONE,
    REGION_INTERNATIONAL,
    REGION_NEAR,
    REGION_ELSEWHERE,
)


@dataclass(frozen=True)
class ScoreComponent:
    """
    One part of a fit score: its name (a stable code), its points and the reason in words.

    The reason is a keyed ``Message`` (``haven.domain.messages``): English text, with the key and
    parameters the web needs to say it in the reader's language.
    """

    name: str
    points: int
    reason: Message


@dataclass(frozen=True)
class Fit:
    components: tuple[ScoreComponent, ...]

    @property
    def score(self) -> int:
        return min(MAX_SCORE, sum(component.points for component in self.components))


def tier_for_risk(level: str) -> int:
    """Return the matching tier (4 = most urgent) for an engine risk level."""
    try:
        return TIER_BY_RISK_LEVEL[RiskLevel(level)]
    except ValueError:
        raise ValueError(f"unknown risk level {level!r}") from None


def household_size(facts: CaseFacts) -> int:
    """Return the beds a household needs: the defender plus every dependant who would come along."""
    return 1 + sum(1 for dependant in facts.defender.dependants if dependant.would_accompany)


# Every component is immutable and depends only on a few small values, so each is made once per
# process and shared: a run scores hundreds of options, and making five components and their
# messages for each cost more than the rest of its scoring, and left some 5,000 objects per run
# for the collector to walk (``bench/matching_runs.py``). The caches of parameterised components
# are bounded, since their parameters (languages, needs) come from case facts.
SHARED_COMPONENTS_PER_KIND = 256

_UNRANKED = ScoreComponent("preference", 0, PREFERENCE_UNRANKED())
_RANKED: Mapping[int, ScoreComponent] = {
    rank: ScoreComponent("preference", points, PREFERENCE_RANKED(rank=str(rank)))
    for rank, points in PREFERENCE_POINTS.items()
}
_WISHES_UNANSWERED = ScoreComponent("wishes", 0, WISHES_UNANSWERED())
_NEEDS_NONE = ScoreComponent("needs", NEEDS_POINTS, NEEDS_NONE())
_NEEDS_ALL = ScoreComponent("needs", NEEDS_POINTS, NEEDS_ALL())
_LANGUAGE_UNRECORDED = ScoreComponent(
    "language", NO_LANGUAGE_REQUIREMENT_POINTS, LANGUAGE_UNRECORDED()
)
_LANGUAGE_NONE = ScoreComponent("language", 0, LANGUAGE_NONE())
_REGION_INTERNATIONAL = ScoreComponent("region", 0, REGION_INTERNATIONAL())
_REGION_NEAR = ScoreComponent("region", REGION_POINTS, REGION_NEAR())
_REGION_ELSEWHERE = ScoreComponent("region", 0, REGION_ELSEWHERE())


@lru_cache(maxsize=SHARED_COMPONENTS_PER_KIND)
def _wishes_answered(answered: tuple[str, ...]) -> ScoreComponent:
    return ScoreComponent("wishes", WISH_POINTS, WISHES_ANSWERED(wishes=Codes(answered)))


@lru_cache(maxsize=SHARED_COMPONENTS_PER_KIND)
def _needs_partly_met(met: int, needs: int, unmet: tuple[str, ...]) -> ScoreComponent:
    return ScoreComponent(
        "needs",
        NEEDS_POINTS * met // needs,
        NEEDS_SOME(met=str(met), needs=str(needs), unmet=Codes(unmet)),
    )


@lru_cache(maxsize=SHARED_COMPONENTS_PER_KIND)
def _languages_shared(shared: tuple[str, ...]) -> ScoreComponent:
    return ScoreComponent(
        "language", LANGUAGE_POINTS, LANGUAGE_SHARED(languages=Codes(shared, kind=LANGUAGE))
    )


def _preference(rank: int | None) -> ScoreComponent:
    if rank is None or rank not in PREFERENCE_POINTS:
        return _UNRANKED
    return _RANKED[rank]


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
        return _wishes_answered(tuple(sorted(set(answered))))
    return _WISHES_UNANSWERED


def _needs(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    needs = sorted(set(facts.defender.health_needs))
    if not needs:
        return _NEEDS_NONE
    provides = set(programme.get("provides") or ())
    met = [need for need in needs if PROVISION_FOR_NEED.get(need, frozenset()) & provides]
    unmet = [need for need in needs if need not in met]
    if not unmet:
        return _NEEDS_ALL
    return _needs_partly_met(len(met), len(needs), tuple(unmet))


def _language(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    required = programme.get("languages_required")
    languages = facts.defender.languages or ()
    if not required:
        return _LANGUAGE_UNRECORDED
    shared = [code for code in languages if code in required]
    if shared:
        return _languages_shared(tuple(shared))
    return _LANGUAGE_NONE


def _region(facts: CaseFacts, programme: Mapping[str, Any]) -> ScoreComponent:
    if programme.get("scope") not in REGIONAL_SCOPES:
        return _REGION_INTERNATIONAL
    defender = facts.defender
    served = set(programme.get("eligible_nationalities") or ())
    hosts = set(programme.get("host_countries") or ())
    near = (served and served & set(defender.nationalities)) or (
        defender.current_country is not None and defender.current_country in hosts
    )
    if near:
        return _REGION_NEAR
    return _REGION_ELSEWHERE


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
    (security comes before fit): staff set the start, then match again. No date to
    leave by means no conflict.
    """
    if must_leave_by is None:
        return None
    if stay_starts_on is None:
        return START_NOT_KNOWN
    if stay_starts_on > must_leave_by:
        return STARTS_AFTER_MUST_LEAVE_BY
    return None


#: Why a pair of defender and placement is no option at all (checked in this order: security
#: first, then dates, then eligibility, then availability).
EXCLUDED_PERSECUTOR_REACH = "persecutor_reach"
EXCLUDED_AFTER_MUST_LEAVE_BY = "starts_after_must_leave_by"
EXCLUDED_START_NOT_KNOWN = "start_not_known_before_must_leave_by"
EXCLUDED_NOT_ELIGIBLE = "not_eligible"
EXCLUDED_UNCLEAR = "eligibility_unclear"
EXCLUDED_NOT_AVAILABLE = "not_available_in_time"

#: Each exclusion in words when nothing more is known about it (a run stored without the dates).
EXCLUSION_MESSAGES: Mapping[str, MessageTemplate] = {
    EXCLUDED_PERSECUTOR_REACH: MessageTemplate(
        "matching.excluded.persecutor_reach",
        gettext_noop("excluded: a possible host country is one the persecutor is known to reach"),
    ),
    EXCLUDED_NOT_ELIGIBLE: MessageTemplate(
        "matching.excluded.not_eligible",
        gettext_noop("excluded: the eligibility engine finds the case not eligible"),
    ),
    EXCLUDED_UNCLEAR: MessageTemplate(
        "matching.excluded.eligibility_unclear",
        gettext_noop(
            "excluded: eligibility is unclear; resolve the open questions on the application first"
        ),
    ),
    EXCLUDED_NOT_AVAILABLE: MessageTemplate(
        "matching.excluded.not_available_in_time",
        gettext_noop("excluded: the defender is available only after this window's stay starts"),
    ),
    EXCLUDED_AFTER_MUST_LEAVE_BY: MessageTemplate(
        "matching.excluded.starts_after_must_leave_by",
        gettext_noop(
            "excluded: this window's stay starts after the date the defender must leave by"
        ),
    ),
    EXCLUDED_START_NOT_KNOWN: MessageTemplate(
        "matching.excluded.start_not_known",
        gettext_noop(
            "excluded: this window has no start date, so it cannot be shown to start before the "
            "date the defender must leave by"
        ),
    ),
}
OTHER_EXCLUSION = MessageTemplate("matching.excluded.other", gettext_noop("excluded: %(code)s"))
#: The same exclusions, said with the countries and dates of the case and the window.
REACHED_COUNTRIES = MessageTemplate(
    "matching.excluded.persecutor_reaches",
    gettext_noop("excluded: the persecutor is known to reach %(countries)s"),
)
STARTS_TOO_LATE = MessageTemplate(
    "matching.excluded.starts_too_late",
    gettext_noop(
        "excluded: this window's stay starts on %(starts)s, after %(leave_by)s, the date the "
        "defender must leave by"
    ),
)
START_UNKNOWN = MessageTemplate(
    "matching.excluded.start_unknown",
    gettext_noop(
        "excluded: this window has no start date, so it cannot be shown to start by %(leave_by)s, "
        "the date the defender must leave by"
    ),
)


def exclusion_message(
    code: str,
    *,
    reached: Iterable[str] = (),
    must_leave_by: datetime.date | None = None,
    stay_starts_on: datetime.date | None = None,
) -> Message:
    """
    One exclusion in words, naming the reached countries and the dates where they are known.

    An unknown code is said as written (a run stored by a later engine), under a key that says so.
    """
    countries = sorted(reached)
    if code == EXCLUDED_PERSECUTOR_REACH and countries:
        return REACHED_COUNTRIES(countries=Codes(countries, kind=COUNTRY))
    if code == EXCLUDED_AFTER_MUST_LEAVE_BY and must_leave_by and stay_starts_on:
        return STARTS_TOO_LATE(
            starts=Day(stay_starts_on.isoformat()), leave_by=Day(must_leave_by.isoformat())
        )
    if code == EXCLUDED_START_NOT_KNOWN and must_leave_by:
        return START_UNKNOWN(leave_by=Day(must_leave_by.isoformat()))
    template = EXCLUSION_MESSAGES.get(code)
    if template is None:
        return OTHER_EXCLUSION(code=code)
    return template()


#: Every keyed message of the exclusions, by key (the catalogue tests walk it).
PLACEMENT_MESSAGES: Mapping[str, MessageTemplate] = templates_by_key(
    *EXCLUSION_MESSAGES.values(),
    OTHER_EXCLUSION,
    REACHED_COUNTRIES,
    STARTS_TOO_LATE,
    START_UNKNOWN,
)
