"""
Risk now and risk on return, scored from the factors, and the engine's level beside the staff's.
"""

from __future__ import annotations

from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes, Joined, MessageTemplate, gettext_noop, say
from haven.domain.risk.factors import (
    CivicSpaceRatings,
    RiskAssessment,
    _describe_prosecution,
    _describe_threat,
    _level_for,
    _months_before,
    civic_space_for,
    combined_load,
    feared_harm_weight,
    founded_feared_harms,
    level_rank,
    prosecution_weight,
    threat_weight,
)
from haven.domain.risk.weights import (
    ACTIVITY_ABROAD_KNOWN_WEIGHT,
    ARMED_CONFLICT_WEIGHT,
    ARREST_ON_ARRIVAL_STAGES,
    CAPACITY_STEP,
    CIVIC_SPACE_WEIGHT,
    CONTINUES_WORK_ON_RETURN_WEIGHT,
    DIASPORA_MONITORED_WEIGHT,
    GRAVE_HARM_FLOOR_MONTHS,
    GRAVE_HARMS,
    IMPUNITY_WEIGHT,
    PROTECTION_MECHANISM_WEIGHT,
    SIMILARLY_PLACED_HARMED_WEIGHT,
    SOURCE_METHOD,
    VISIBILITY_WEIGHT,
    VULNERABILITY_STEP,
)
from haven.domain.vocabulary import RiskLevel

#: The yes/no facts of the country context that multiply the risk, each with its weight and its
#: note, applied in this order (after civic space, before the protection mechanism).
CONTEXT_MULTIPLIERS: tuple[tuple[str, float, MessageTemplate], ...] = (
    (
        "impunity_for_attacks_on_defenders",
        IMPUNITY_WEIGHT,
        MessageTemplate(
            "risk.context.impunity", gettext_noop("impunity for attacks on defenders x%(factor)s")
        ),
    ),
    (
        "armed_conflict",
        ARMED_CONFLICT_WEIGHT,
        MessageTemplate("risk.context.armed_conflict", gettext_noop("armed conflict x%(factor)s")),
    ),
    (
        "similarly_placed_harmed",
        SIMILARLY_PLACED_HARMED_WEIGHT,
        MessageTemplate(
            "risk.context.similarly_placed",
            gettext_noop("similarly placed defenders harmed x%(factor)s"),
        ),
    ),
)


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
    for fact, weight, note in CONTEXT_MULTIPLIERS:
        if getattr(context, fact):
            context_factor *= weight
            context_notes.append(note(factor=f"{weight}"))
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
