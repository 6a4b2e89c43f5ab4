"""
The factors of the risk score: the weight of each threat, prosecution and feared harm, the
combined load, civic space.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts, FearedHarm, Prosecution, Threat
from haven.domain.messages import Codes, Joined, gettext_noop, say
from haven.domain.risk.weights import (
    ACTOR_WEIGHT,
    AFTER_DEPARTURE_ON_RETURN_WEIGHT,
    ARREST_ON_ARRIVAL_STAGES,
    ARREST_ON_ARRIVAL_WEIGHT,
    CURRENT_THREAT_WEIGHT,
    DAYS_PER_MONTH,
    FEARED_HARM_WEIGHT,
    HARM_PATTERN_BASES,
    HOSTILE_AUTHORITIES_WEIGHT,
    KNOWLEDGE_BASES,
    LEVEL_THRESHOLDS,
    LINK_TO_WORK_UNKNOWN_WEIGHT,
    LOAD_SHARE_FIRST,
    LOAD_SHARE_REST,
    LOAD_SHARE_SECOND,
    NO_FAIR_TRIAL_WEIGHT,
    OLDER_THREAT_WEIGHT,
    ONGOING_WEIGHT,
    PENALTY_WEIGHTS,
    PROSECUTION_STAGE_SEVERITY,
    PROTECTED_ACTIVITY_WEIGHT,
    RECENCY_WEIGHTS,
    SERIOUS_CHARGE_WEIGHT,
    SERIOUS_CHARGES,
    TARGET_WEIGHT,
    THREAT_SEVERITY,
    UNDATED_THREAT_WEIGHT,
    UNKNOWN_STAGE_SEVERITY,
    UNLINKED_TO_WORK_WEIGHT,
)
from haven.domain.vocabulary import RiskLevel


@dataclass(frozen=True)
class CivicSpaceRatings:
    """Country ratings to fall back on when the facts do not record civic space."""

    ratings: Mapping[str, str]
    source: str


@dataclass(frozen=True)
class RiskAssessment:
    """A risk level with the score behind it and the reasons that drive it."""

    level: RiskLevel
    score: float
    reasons: tuple[str, ...]


def level_rank(level: str) -> int:
    return RiskLevel(level).rank


def _level_for(score: float) -> RiskLevel:
    for threshold, level in LEVEL_THRESHOLDS:
        if score >= threshold:
            return level
    return RiskLevel.LOW


def _months_before(date: datetime.date | None, assessed_on: datetime.date | None) -> float | None:
    if date is None or assessed_on is None:
        return None
    return (assessed_on - date).days / DAYS_PER_MONTH


def _recency(threat: Threat, assessed_on: datetime.date | None) -> float:
    if threat.ongoing:
        return CURRENT_THREAT_WEIGHT
    months = _months_before(threat.date, assessed_on)
    if months is None:
        return UNDATED_THREAT_WEIGHT
    for most_months, weight in RECENCY_WEIGHTS:
        if months <= most_months:
            return weight
    return OLDER_THREAT_WEIGHT


def threat_weight(
    threat: Threat, assessed_on: datetime.date | None, *, on_return: bool = False
) -> float:
    """The weight of one threat; see the module docstring for each factor."""
    weight = THREAT_SEVERITY[threat.kind]
    weight *= ACTOR_WEIGHT.get(threat.actor or "unknown", 1.0)
    weight *= TARGET_WEIGHT.get(threat.directed_at or "defender", 1.0)
    weight *= _recency(threat, assessed_on)
    if threat.ongoing:
        weight *= ONGOING_WEIGHT
    if threat.linked_to_work is False:
        weight *= UNLINKED_TO_WORK_WEIGHT
    elif threat.linked_to_work is None:
        weight *= LINK_TO_WORK_UNKNOWN_WEIGHT
    if threat.authority_response == "hostile":
        weight *= HOSTILE_AUTHORITIES_WEIGHT
    if on_return and threat.after_departure:
        weight *= AFTER_DEPARTURE_ON_RETURN_WEIGHT
    return weight


def prosecution_weight(prosecution: Prosecution, *, on_return: bool = False) -> float:
    """The weight of one prosecution, read as a threat from the state."""
    weight = (
        PROSECUTION_STAGE_SEVERITY.get(prosecution.stage or "", UNKNOWN_STAGE_SEVERITY)
        * ACTOR_WEIGHT["judiciary"]
    )
    if prosecution.charge in SERIOUS_CHARGES:
        weight *= SERIOUS_CHARGE_WEIGHT
    years = prosecution.max_penalty_years or 0
    for least_years, penalty_weight in PENALTY_WEIGHTS:
        if years >= least_years:
            weight *= penalty_weight
            break
    if prosecution.underlying_activity_protected:
        weight *= PROTECTED_ACTIVITY_WEIGHT
    if prosecution.fair_trial_available is False:
        weight *= NO_FAIR_TRIAL_WEIGHT
    if on_return and prosecution.stage in ARREST_ON_ARRIVAL_STAGES:
        weight *= ARREST_ON_ARRIVAL_WEIGHT
    return weight


def feared_harm_founded(harm: FearedHarm, facts: CaseFacts) -> bool:
    """
    Whether a feared harm founds a well-founded fear without any past harm (UNHCR Handbook paras
    43, 45; QD art 5(2); S.F. v Sweden; BA (Iran) CG [2011] UKUT 36): the actor knows, or will
    probably learn, of the defender's profile or activity, and harms people placed like them.
    """
    known = harm.known_to_actor is True or (
        harm.known_to_actor is None and bool(KNOWLEDGE_BASES & set(harm.basis))
    )
    pattern = bool(HARM_PATTERN_BASES & set(harm.basis)) or bool(
        facts.context.similarly_placed_harmed
    )
    return known and pattern


def founded_feared_harms(facts: CaseFacts) -> tuple[FearedHarm, ...]:
    return tuple(harm for harm in facts.claim.feared_harms if feared_harm_founded(harm, facts))


def feared_harm_weight(harm: FearedHarm) -> float:
    """A founded feared harm's weight in the risk on return."""
    return (
        THREAT_SEVERITY[harm.kind]
        * ACTOR_WEIGHT.get(harm.actor or "unknown", 1.0)
        * FEARED_HARM_WEIGHT
    )


def combined_load(weights: list[float]) -> float:
    """Largest weight + half the second + a quarter of each other one."""
    ordered = sorted(weights, reverse=True)
    return sum(
        value
        * (LOAD_SHARE_FIRST if index == 0 else LOAD_SHARE_SECOND if index == 1 else LOAD_SHARE_REST)
        for index, value in enumerate(ordered)
    )


def _describe_threat(threat: Threat) -> str:
    parts: list[str] = [Codes([threat.kind])]
    if threat.actor:
        parts.append(
            say("risk.threat.by", gettext_noop("by %(actor)s"), actor=Codes([threat.actor]))
        )
    if threat.directed_at and threat.directed_at != "defender":
        parts.append(
            say(
                "risk.threat.against",
                gettext_noop("against %(target)s"),
                target=Codes([threat.directed_at], as_written=True),
            )
        )
    if threat.date:
        parts.append(f"({threat.date.isoformat()})")
    if threat.ongoing:
        parts.append(say("risk.threat.ongoing", gettext_noop("ongoing")))
    if threat.after_departure:
        parts.append(say("risk.threat.after_departure", gettext_noop("after departure")))
    return Joined(parts, " ")


def _describe_prosecution(prosecution: Prosecution) -> str:
    charge = Codes([prosecution.charge or "unspecified"])
    stage = (
        Codes([prosecution.stage])
        if prosecution.stage
        else say("risk.prosecution.stage_unknown", gettext_noop("stage unknown"))
    )
    return say(
        "risk.prosecution",
        gettext_noop("prosecution on a %(charge)s charge (%(stage)s)"),
        charge=charge,
        stage=stage,
    )


def civic_space_for(facts: CaseFacts, ratings: CivicSpaceRatings | None) -> tuple[str | None, str]:
    """The civic-space rating and where it came from (the facts, or the fallback ratings)."""
    if facts.context.civic_space:
        return facts.context.civic_space, say(
            "risk.civic_space.as_recorded", gettext_noop("as recorded")
        )
    country = facts.context.country
    if ratings is not None and country and country in ratings.ratings:
        return ratings.ratings[country], say(
            "risk.civic_space.fallback",
            gettext_noop(
                "%(source)s rating for %(country)s, used because the facts do not record it"
            ),
            source=ratings.source,
            country=country,
        )
    return None, say("risk.civic_space.not_recorded", gettext_noop("not recorded"))
