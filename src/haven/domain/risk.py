"""
Risk now and risk on return, scored so that a coordinator can redo the sum by hand.

Method (Protection International, *New Protection Manual for Human Rights Defenders*, ch. 1.2):
risk = threats x vulnerabilities / capacities. Haven makes each factor a number:

- **threat load**: each threat gets ``severity(kind) x actor x target x recency x ongoing x
  link-to-work x authority-response``; each prosecution is a threat from the state with a weight
  from its stage, charge, penalty and fairness. The weights are sorted, and the load is the
  largest + half the second + a quarter of each other one (repeated harm adds up, with
  diminishing weight, so a long list of minor incidents does not outweigh one attempt on a life);
- **exposure**: ``1 + 0.1`` per vulnerability, ``+0.1`` for medium and ``+0.2`` for high visibility;
- **context**: civic space (CIVICUS scale), impunity for attacks on defenders, armed conflict,
  harm to similarly placed defenders, and the national protection mechanism;
- **capacities**: the product is divided by ``1 + 0.1`` per capacity.

Levels: score below 4 is low, below 10 medium, below 20 high, otherwise critical. Some harms set a
floor whatever the score (an attempt on the defender's life in the last year is at least high).

Two properties hold by construction and are checked with Hypothesis: another threat never lowers
the score or the level; another capacity never raises them. Every weight is at least zero and
the load weights do not increase down the sorted list, so adding a threat can only push each
position's value up.

Risk on return starts from the same load and adds what the persecutor did or learnt after the
defender left: threats after departure weigh 1.3 times as much, prosecutions in absentia or with
a warrant outstanding mean arrest on arrival (floor: high), monitoring of defenders abroad and
the defender's own activity abroad known to the persecutor each multiply the score.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts, FearedHarm, Prosecution, Threat
from haven.domain.messages import Codes, Joined, gettext_noop, say
from haven.domain.vocabulary import RISK_LEVEL_ORDER, RiskLevel

LEVELS = RISK_LEVEL_ORDER
LEVEL_THRESHOLDS = (
    (20.0, RiskLevel.CRITICAL),
    (10.0, RiskLevel.HIGH),
    (4.0, RiskLevel.MEDIUM),
)

SOURCE_METHOD = "Protection International, New Protection Manual for HRDs, ch. 1.2 (risk = threats x vulnerabilities / capacities)"
SOURCE_CIVICUS = "CIVICUS Monitor civic space ratings"

THREAT_SEVERITY: Mapping[str, float] = {
    "killing_attempt": 10,
    "enforced_disappearance": 10,
    "torture": 10,
    "sexual_violence": 9,
    "abduction": 9,
    "death_threat": 8,
    "physical_attack": 7,
    "arbitrary_detention": 7,
    "threats_to_family": 6,
    "raid": 5,
    "judicial_harassment": 5,
    "forced_eviction": 5,
    "property_destruction": 4,
    "travel_ban": 4,
    "asset_freeze": 4,
    "surveillance": 3,
    "intimidation": 3,
    "loss_of_livelihood": 3,
    "smear_campaign": 2,
    "online_harassment": 2,
}

#: Actors that command force or the machinery of the state weigh more: they can act on a threat.
ACTOR_WEIGHT: Mapping[str, float] = {
    "state_security": 1.3,
    "military": 1.3,
    "paramilitary": 1.3,
    "police": 1.2,
    "judiciary": 1.2,
    "government_official": 1.2,
    "ruling_party": 1.2,
    "armed_group": 1.2,
    "organised_crime": 1.2,
    "company": 1.1,
    "private_security": 1.1,
    "political_party": 1.1,
    "community": 1.0,
    "family": 1.0,
    "religious_group": 1.0,
    "unknown": 1.0,
}
STATE_ACTORS = frozenset(
    {"state_security", "military", "police", "judiciary", "government_official", "ruling_party"}
)

TARGET_WEIGHT: Mapping[str, float] = {
    "defender": 1.0,
    "family": 0.9,
    "colleague": 0.7,
    "organisation": 0.7,
    "community": 0.6,
}

#: Harms that put a life or liberty in immediate danger; against the defender within a year (or
#: still ongoing) they make the risk at least high, whatever else is recorded.
GRAVE_HARMS = frozenset(
    {
        "killing_attempt",
        "torture",
        "enforced_disappearance",
        "abduction",
        "sexual_violence",
        "death_threat",
    }
)

PROSECUTION_STAGE_SEVERITY: Mapping[str, float] = {
    "investigation": 3,
    "warrant": 6,
    "charged": 5,
    "on_trial": 6,
    "convicted": 7,
    "in_absentia": 6,
}
SERIOUS_CHARGES = frozenset({"terrorism", "extremism", "treason_espionage"})
ARREST_ON_ARRIVAL_STAGES = frozenset({"warrant", "convicted", "in_absentia"})

CIVIC_SPACE_WEIGHT: Mapping[str, float] = {
    "open": 0.9,
    "narrowed": 1.0,
    "obstructed": 1.1,
    "repressed": 1.25,
    "closed": 1.4,
}
PROTECTION_MECHANISM_WEIGHT: Mapping[str, float] = {
    "effective": 0.9,
    "ineffective": 1.05,
    "none": 1.1,
}
VISIBILITY_WEIGHT: Mapping[str, float] = {"low": 0.0, "medium": 0.1, "high": 0.2}

#: Threat factors beyond kind, actor and target (module docstring, "threat load").
ONGOING_WEIGHT = 1.25
UNLINKED_TO_WORK_WEIGHT = 0.6
LINK_TO_WORK_UNKNOWN_WEIGHT = 0.9
HOSTILE_AUTHORITIES_WEIGHT = 1.2
AFTER_DEPARTURE_ON_RETURN_WEIGHT = 1.3
#: Recency: (at most this many months old, weight); older threats weigh ``OLDER_THREAT_WEIGHT``,
#: undated ones ``UNDATED_THREAT_WEIGHT``. An ongoing threat is always current.
RECENCY_WEIGHTS: tuple[tuple[float, float], ...] = ((6, 1.0), (12, 0.8), (24, 0.6))
OLDER_THREAT_WEIGHT = 0.4
UNDATED_THREAT_WEIGHT = 0.8
CURRENT_THREAT_WEIGHT = 1.0
DAYS_PER_MONTH = 30.44

#: Prosecution factors: a stage not recorded weighs ``UNKNOWN_STAGE_SEVERITY``.
UNKNOWN_STAGE_SEVERITY = 4.0
SERIOUS_CHARGE_WEIGHT = 1.2
#: Maximum penalty: (at least this many years, weight), largest first.
PENALTY_WEIGHTS: tuple[tuple[int, float], ...] = ((10, 1.3), (3, 1.15))
PROTECTED_ACTIVITY_WEIGHT = 1.2
NO_FAIR_TRIAL_WEIGHT = 1.1
ARREST_ON_ARRIVAL_WEIGHT = 1.3

#: Combined load: the largest weight counts fully, the second by half, each other by a quarter.
LOAD_SHARE_FIRST = 1.0
LOAD_SHARE_SECOND = 0.5
LOAD_SHARE_REST = 0.25

VULNERABILITY_STEP = 0.1
CAPACITY_STEP = 0.1

#: Context multipliers (module docstring, "context"), and those only risk on return applies.
IMPUNITY_WEIGHT = 1.15
ARMED_CONFLICT_WEIGHT = 1.1
SIMILARLY_PLACED_HARMED_WEIGHT = 1.15
DIASPORA_MONITORED_WEIGHT = 1.2
ACTIVITY_ABROAD_KNOWN_WEIGHT = 1.2
CONTINUES_WORK_ON_RETURN_WEIGHT = 1.1

#: A founded feared harm (``founded_feared_harms``) weighs like an undated threat of its kind from
#: its actor: it has not happened, but the facts show why it would.
FEARED_HARM_WEIGHT = 0.8
#: What shows the actor knows, or will probably learn, of the defender or their activity.
KNOWLEDGE_BASES = frozenset(
    {"activity_abroad_known", "monitoring_of_diaspora", "returnee_screening"}
)
#: What shows the actor harms people placed like the defender, or the defender themselves.
HARM_PATTERN_BASES = frozenset(
    {"similarly_placed_harmed", "pending_prosecution", "past_pattern_against_defender"}
)

#: A grave harm at most this many months old (or ongoing) sets a floor of ``RiskLevel.HIGH``.
GRAVE_HARM_FLOOR_MONTHS = 12


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


def _assess(
    facts: CaseFacts, ratings: CivicSpaceRatings | None, *, on_return: bool
) -> RiskAssessment:
    assessed_on = facts.assessed_on
    context = facts.context
    items = [
        (threat_weight(threat, assessed_on, on_return=on_return), _describe_threat(threat))
        for threat in facts.threats
    ]
    items += [
        (prosecution_weight(prosecution, on_return=on_return), _describe_prosecution(prosecution))
        for prosecution in facts.prosecutions
    ]
    if on_return:
        items += [
            (
                feared_harm_weight(harm),
                (
                    say(
                        "risk.feared_harm.by",
                        gettext_noop("feared %(harm)s by %(actor)s (founded on %(basis)s)"),
                        harm=Codes([harm.kind]),
                        actor=Codes([harm.actor]),
                        basis=Codes(harm.basis),
                    )
                    if harm.actor
                    else say(
                        "risk.feared_harm",
                        gettext_noop("feared %(harm)s (founded on %(basis)s)"),
                        harm=Codes([harm.kind]),
                        basis=Codes(harm.basis),
                    )
                ),
            )
            for harm in founded_feared_harms(facts)
        ]
    load = combined_load([weight for weight, _ in items])
    reasons: list[str] = []
    if items:
        top = sorted(items, key=lambda item: item[0], reverse=True)[:3]
        drivers = Joined(
            say(
                "risk.driver",
                gettext_noop("%(description)s (weight %(weight)s)"),
                description=description,
                weight=f"{weight:.1f}",
            )
            for weight, description in top
        )
        reasons.append(
            say(
                "risk.load",
                gettext_noop(
                    "Threat load %(load)s from %(count)s threat(s) and prosecution(s); main drivers: %(drivers)s."
                ),
                load=f"{load:.1f}",
                count=str(len(items)),
                drivers=drivers,
            )
        )
    else:
        reasons.append(
            say(
                "risk.no_threats",
                gettext_noop(
                    "No threats or prosecutions are recorded, so the score rests on context alone and may understate the risk."
                ),
            )
        )

    exposure = (
        1.0
        + VULNERABILITY_STEP * len(facts.vulnerabilities)
        + VISIBILITY_WEIGHT.get(facts.defender.visibility or "low", 0.0)
    )
    if facts.vulnerabilities or facts.defender.visibility in ("medium", "high"):
        named = Codes(sorted(facts.vulnerabilities)) or say(
            "risk.none_listed", gettext_noop("none listed")
        )
        visibility = (
            Codes([facts.defender.visibility])
            if facts.defender.visibility
            else say("risk.civic_space.not_recorded", gettext_noop("not recorded"))
        )
        reasons.append(
            say(
                "risk.exposure",
                gettext_noop(
                    "Exposure x%(factor)s: vulnerabilities (%(vulnerabilities)s); visibility %(visibility)s."
                ),
                factor=f"{exposure:.2f}",
                vulnerabilities=named,
                visibility=visibility,
            )
        )

    context_factor = 1.0
    context_notes: list[str] = []
    civic_space, civic_origin = civic_space_for(facts, ratings)
    if civic_space:
        context_factor *= CIVIC_SPACE_WEIGHT[civic_space]
        context_notes.append(
            say(
                "risk.context.civic_space",
                gettext_noop("civic space %(rating)s (%(origin)s) x%(factor)s"),
                rating=Codes([civic_space]),
                origin=civic_origin,
                factor=f"{CIVIC_SPACE_WEIGHT[civic_space]}",
            )
        )
    if context.impunity_for_attacks_on_defenders:
        context_factor *= IMPUNITY_WEIGHT
        context_notes.append(
            say(
                "risk.context.impunity",
                gettext_noop("impunity for attacks on defenders x%(factor)s"),
                factor=f"{IMPUNITY_WEIGHT}",
            )
        )
    if context.armed_conflict:
        context_factor *= ARMED_CONFLICT_WEIGHT
        context_notes.append(
            say(
                "risk.context.armed_conflict",
                gettext_noop("armed conflict x%(factor)s"),
                factor=f"{ARMED_CONFLICT_WEIGHT}",
            )
        )
    if context.similarly_placed_harmed:
        context_factor *= SIMILARLY_PLACED_HARMED_WEIGHT
        context_notes.append(
            say(
                "risk.context.similarly_placed",
                gettext_noop("similarly placed defenders harmed x%(factor)s"),
                factor=f"{SIMILARLY_PLACED_HARMED_WEIGHT}",
            )
        )
    if context.national_protection_mechanism:
        weight = PROTECTION_MECHANISM_WEIGHT[context.national_protection_mechanism]
        context_factor *= weight
        context_notes.append(
            say(
                "risk.context.mechanism",
                gettext_noop("national protection mechanism %(mechanism)s x%(factor)s"),
                mechanism=Codes([context.national_protection_mechanism]),
                factor=f"{weight}",
            )
        )

    floors: list[tuple[RiskLevel, str]] = []
    if on_return:
        sur_place = facts.claim.sur_place
        relocation = facts.relocation
        if context.diaspora_monitored:
            context_factor *= DIASPORA_MONITORED_WEIGHT
            context_notes.append(
                say(
                    "risk.context.diaspora_monitored",
                    gettext_noop(
                        "the persecutor monitors defenders abroad or screens returnees x%(factor)s"
                    ),
                    factor=f"{DIASPORA_MONITORED_WEIGHT}",
                )
            )
        elif relocation.incidents_abroad:
            context_factor *= DIASPORA_MONITORED_WEIGHT
            context_notes.append(
                say(
                    "risk.context.incidents_abroad",
                    gettext_noop(
                        "%(count)s security incident(s) during the stay abroad x%(factor)s"
                    ),
                    count=str(relocation.incidents_abroad),
                    factor=f"{DIASPORA_MONITORED_WEIGHT}",
                )
            )
        visible_abroad = sur_place.activities_abroad or relocation.activities_abroad_visible
        if visible_abroad and (
            sur_place.known_to_persecutor
            or context.diaspora_monitored
            or bool(relocation.incidents_abroad)
        ):
            context_factor *= ACTIVITY_ABROAD_KNOWN_WEIGHT
            context_notes.append(
                say(
                    "risk.context.activity_abroad_known",
                    gettext_noop(
                        "activity abroad known to, or watched by, the persecutor x%(factor)s"
                    ),
                    factor=f"{ACTIVITY_ABROAD_KNOWN_WEIGHT}",
                )
            )
        if facts.claim.would_continue_activity_on_return:
            context_factor *= CONTINUES_WORK_ON_RETURN_WEIGHT
            context_notes.append(
                say(
                    "risk.context.continues_work",
                    gettext_noop("would continue the work on return x%(factor)s"),
                    factor=f"{CONTINUES_WORK_ON_RETURN_WEIGHT}",
                )
            )
        for prosecution in facts.prosecutions:
            if prosecution.stage in ARREST_ON_ARRIVAL_STAGES:
                floors.append(
                    (
                        RiskLevel.HIGH,
                        say(
                            "risk.floor.arrest_on_arrival",
                            gettext_noop("a %(stage)s prosecution means arrest on arrival"),
                            stage=Codes([prosecution.stage or ""]),
                        ),
                    )
                )
    if context_notes:
        reasons.append(
            say(
                "risk.context",
                gettext_noop("Context x%(factor)s: %(notes)s."),
                factor=f"{context_factor:.2f}",
                notes=Joined(context_notes),
            )
        )
    elif civic_origin == "not recorded":
        reasons.append(
            say(
                "risk.context.none",
                gettext_noop("Civic space and the rest of the country context are not recorded."),
            )
        )

    capacity_factor = 1.0 + CAPACITY_STEP * len(facts.capacities)
    if facts.capacities:
        reasons.append(
            say(
                "risk.capacities",
                gettext_noop("Capacities divide the score by %(factor)s: %(capacities)s."),
                factor=f"{capacity_factor:.1f}",
                capacities=Codes(sorted(facts.capacities)),
            )
        )
    else:
        reasons.append(
            say("risk.capacities.none", gettext_noop("No protective capacities are recorded."))
        )

    for threat in facts.threats:
        months = _months_before(threat.date, assessed_on)
        recent = threat.ongoing or (months is not None and months <= GRAVE_HARM_FLOOR_MONTHS)
        if threat.kind in GRAVE_HARMS and (threat.directed_at in (None, "defender")) and recent:
            floors.append(
                (
                    RiskLevel.HIGH,
                    say(
                        "risk.floor.grave_harm",
                        gettext_noop("%(threat)s puts the defender's life or liberty in danger"),
                        threat=_describe_threat(threat),
                    ),
                )
            )

    score = load * exposure * context_factor / capacity_factor
    level = _level_for(score)
    for floor_level, why in floors:
        if floor_level.rank > level.rank:
            level = floor_level
            reasons.append(
                say(
                    "risk.raised",
                    gettext_noop("Raised to %(level)s: %(why)s."),
                    level=Codes([floor_level]),
                    why=why,
                )
            )
    reasons.append(
        say(
            "risk.score",
            gettext_noop(
                "Score %(score)s gives %(level)s (low < 4 <= medium < 10 <= high < 20 <= critical) [%(source)s]."
            ),
            score=f"{score:.1f}",
            level=Codes([level]),
            source=SOURCE_METHOD,
        )
    )
    return RiskAssessment(level=level, score=round(score, 2), reasons=tuple(reasons))


def assess_risk(
    facts: CaseFacts, *, civic_space_ratings: CivicSpaceRatings | None = None
) -> RiskAssessment:
    """Risk in the country of risk (``context.country``) as the facts stand today."""
    return _assess(facts, civic_space_ratings, on_return=False)


def is_outside_country_of_risk(facts: CaseFacts) -> bool | None:
    """Whether the defender is away from the country the risk is in; ``None`` if not known."""
    defender = facts.defender
    home = facts.context.country or (
        defender.nationalities[0] if len(defender.nationalities) == 1 else None
    )
    if defender.current_country is None or home is None:
        return None
    return defender.current_country != home


def assess_risk_on_return(
    facts: CaseFacts, *, civic_space_ratings: CivicSpaceRatings | None = None
) -> RiskAssessment | None:
    """
    Risk if the defender went back, or ``None`` when the question does not arise.

    It arises when the defender is abroad, or is in or heading to a relocation programme.
    """
    heading_away = facts.relocation.status in ("applied", "accepted", "in_relocation")
    if not (is_outside_country_of_risk(facts) or heading_away):
        return None
    return _assess(facts, civic_space_ratings, on_return=True)


@dataclass(frozen=True)
class RiskView:
    source: str
    level: RiskLevel
    divergence: str | None = None


def risk_views(
    engine: RiskAssessment,
    on_return: RiskAssessment | None,
    *,
    staff_level: str | None,
    defender_level: str | None,
) -> tuple[RiskView, ...]:
    """
    The engine's, the staff's and the defender's view of the risk side by side.

    Each human view names how far it is from the engine's (on return where that is assessed, as
    that is the risk a relocated defender weighs); disagreement is shown, never resolved.
    """
    reference = on_return or engine
    reference_name = "the engine's view on return" if on_return else "the engine's view"
    views = [RiskView(source="engine", level=engine.level)]
    if on_return is not None:
        views.append(RiskView(source="engine_on_return", level=on_return.level))
    for source, given in (("staff", staff_level), ("defender", defender_level)):
        if given is None:
            continue
        level = RiskLevel(given)
        gap = level_rank(level) - level_rank(reference.level)
        divergence = None
        if gap:
            direction = "above" if gap > 0 else "below"
            divergence = f"{abs(gap)} level(s) {direction} {reference_name} ({reference.level})"
        if source == "defender" and staff_level is not None and staff_level != level:
            divergence = (divergence + "; " if divergence else "") + f"staff rate it {staff_level}"
        views.append(RiskView(source=source, level=level, divergence=divergence))
    return tuple(views)
