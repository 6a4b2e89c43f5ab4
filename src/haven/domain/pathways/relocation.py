"""
Pathway rules of the relocation regime: protection at home, relocation inside and outside the
country, extension, onward relocation and return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from haven.domain.messages import Codes, MessageTemplate, gettext_noop, say
from haven.domain.pathways.common import (
    RISK_LOW,
    Pathway,
    Situation,
    _at_least,
    _days_left,
    _not_suitable,
)
from haven.domain.protection import (
    relocation_defeaters,
    safe_area_shown,
)
from haven.domain.vocabulary import (
    PathwayName,
    RiskLevel,
    Suitability,
)

#: The pathways open only to a defender still in their country, and why they are not, abroad.
ABROAD: Mapping[PathwayName, MessageTemplate] = {
    PathwayName.IN_COUNTRY_PROTECTION: MessageTemplate(
        "pathways.in_country.abroad",
        gettext_noop("The defender is abroad; see return with protection."),
    ),
    PathwayName.INTERNAL_RELOCATION: MessageTemplate(
        "pathways.internal.abroad", gettext_noop("The defender is already abroad.")
    ),
    PathwayName.REGIONAL_RELOCATION: MessageTemplate(
        "pathways.regional.abroad",
        gettext_noop("The defender is already abroad; see onward relocation."),
    ),
}

#: Why each open pathway of the relocation regime suits the defender, naming the risk it answers.
OPEN_AT_RISK: Mapping[PathwayName, MessageTemplate] = {
    PathwayName.REGIONAL_RELOCATION: MessageTemplate(
        "pathways.regional.possible",
        gettext_noop(
            "Risk is %(level)s: a stay in the region keeps the defender close to their work and community."
        ),
    ),
    PathwayName.TEMPORARY_INTERNATIONAL_RELOCATION: MessageTemplate(
        "pathways.temporary.respite",
        gettext_noop(
            "Risk is %(level)s: a temporary stay abroad gives respite and keeps the work going."
        ),
    ),
    PathwayName.ONWARD_RELOCATION: MessageTemplate(
        "pathways.onward.recommended",
        gettext_noop(
            "Risk on return is %(level)s: a further stay in another country keeps the defender away from it."
        ),
    ),
    PathwayName.RETURN_WITH_PROTECTION: MessageTemplate(
        "pathways.return.with_plan",
        gettext_noop(
            "Risk on return is %(level)s: return with a security plan, follow-up calls and network support."
        ),
    ),
}


def _open_at_risk(
    name: PathwayName, suitability: Suitability, level: RiskLevel, cautions: Iterable[str] = ()
) -> Pathway:
    """An open pathway for the reason ``OPEN_AT_RISK`` gives, with what to watch out for."""
    return Pathway(name, suitability, (OPEN_AT_RISK[name](level=Codes([level])),), tuple(cautions))


def in_country_protection(situation: Situation) -> Pathway:
    """Protective measures at home, unless the risk or a repressive state makes them futile."""
    name, risk = PathwayName.IN_COUNTRY_PROTECTION, situation.risk
    if situation.abroad:
        return _not_suitable(name, ABROAD[name]())
    state = situation.state_persecutor
    if risk.level == RiskLevel.CRITICAL or (
        state and situation.facts.context.civic_space in ("repressed", "closed")
    ):
        return _not_suitable(
            name,
            say(
                "pathways.in_country.state_persecutor",
                gettext_noop(
                    "Risk is %(level)s and the state is the persecutor in a repressed or closed civic space: protective measures at home are unlikely to be enough."
                ),
                level=Codes([risk.level]),
            )
            if state
            else say(
                "pathways.in_country.not_enough",
                gettext_noop(
                    "Risk is %(level)s: protective measures at home are unlikely to be enough."
                ),
                level=Codes([risk.level]),
            ),
        )
    suitability = (
        Suitability.RECOMMENDED
        if risk.level in (RiskLevel.LOW, RiskLevel.MEDIUM)
        else Suitability.POSSIBLE
    )
    reasons = [
        say(
            "pathways.in_country.measures",
            gettext_noop(
                "Risk is %(level)s: protective measures at home (security plan, accompaniment, legal support, networks) can reduce it."
            ),
            level=Codes([risk.level]),
        )
    ]
    if situation.facts.context.national_protection_mechanism == "effective":
        reasons.append(
            say(
                "pathways.in_country.mechanism_effective",
                gettext_noop("The national protection mechanism is effective."),
            )
        )
    return Pathway(name, suitability, tuple(reasons))


def internal_relocation(situation: Situation) -> Pathway:
    """
    A safer area at home: not suitable where something defeats it, possible where an area is
    shown safe; otherwise possible once the safe-area facts are completed. (The protection
    element answers a different question: whether relocation defeats a claim, which it does only
    where an area is shown; see rule 4.)
    """
    name = PathwayName.INTERNAL_RELOCATION
    if situation.abroad:
        return _not_suitable(name, ABROAD[name]())
    facts = situation.facts
    reasons = situation.protection.elements["internal_relocation"].reasons
    if relocation_defeaters(facts):
        return Pathway(name, Suitability.NOT_SUITABLE, reasons)
    if safe_area_shown(facts):
        return Pathway(
            name,
            Suitability.POSSIBLE
            if situation.risk.level != RiskLevel.CRITICAL
            else Suitability.NOT_SUITABLE,
            reasons,
        )
    return Pathway(
        name,
        Suitability.POSSIBLE,
        reasons,
        (
            say(
                "pathways.internal.complete_facts",
                gettext_noop("Complete the safe-area facts first."),
            ),
        ),
    )


def regional_relocation(situation: Situation) -> Pathway:
    """A stay in the region from medium risk, for a defender still at home."""
    name, risk = PathwayName.REGIONAL_RELOCATION, situation.risk
    if situation.abroad:
        return _not_suitable(name, ABROAD[name]())
    if risk.level.rank < RiskLevel.MEDIUM.rank:
        return _not_suitable(name, RISK_LOW())
    cautions = [*situation.travel_cautions]
    if situation.facts.context.diaspora_monitored:
        cautions.append(
            say(
                "pathways.regional.diaspora_monitored",
                gettext_noop(
                    "The persecutor watches defenders abroad; a neighbouring country may be within reach."
                ),
            )
        )
    return _open_at_risk(name, Suitability.POSSIBLE, risk.level, cautions)


def temporary_international_relocation(situation: Situation) -> Pathway:
    """A relocation programme: recommended at high risk for a defender who intends to return."""
    name, risk = PathwayName.TEMPORARY_INTERNATIONAL_RELOCATION, situation.risk
    defender = situation.facts.defender
    if situation.in_relocation:
        return _not_suitable(
            name,
            say(
                "pathways.temporary.on_programme",
                gettext_noop(
                    "The defender is already on a relocation programme; see extension and onward relocation."
                ),
            ),
        )
    if situation.forward.level.rank < RiskLevel.MEDIUM.rank:
        return _not_suitable(name, RISK_LOW())
    cautions = [*situation.travel_cautions]
    if defender.intends_to_return is False:
        cautions.append(
            say(
                "pathways.temporary.no_return_intent",
                gettext_noop(
                    "Relocation programmes expect return; the defender does not intend to return. Explain programme asylum policies before they apply."
                ),
            )
        )
    if _at_least(situation.risk_on_return, RiskLevel.CRITICAL):
        cautions.append(
            say(
                "pathways.temporary.critical_on_return",
                gettext_noop(
                    "Risk on return is critical: a short stay followed by return may not be safe."
                ),
            )
        )
    suitability = (
        Suitability.RECOMMENDED
        if risk.level.rank >= RiskLevel.HIGH.rank and defender.intends_to_return is not False
        else Suitability.POSSIBLE
    )
    return _open_at_risk(name, suitability, risk.level, cautions)


def extension(situation: Situation) -> Pathway:
    """A longer stay for a defender on a programme, recommended when return is dangerous."""
    name = PathwayName.EXTENSION
    if not situation.in_relocation:
        return _not_suitable(
            name,
            say(
                "pathways.extension.not_on_programme",
                gettext_noop("The defender is not on a relocation programme."),
            ),
        )
    risk_on_return = situation.risk_on_return
    reasons = []
    if _at_least(risk_on_return, RiskLevel.HIGH):
        reasons.append(
            say(
                "pathways.extension.safer",
                gettext_noop(
                    "Risk on return is %(level)s: more time abroad is safer while other options are prepared."
                ),
                level=Codes([risk_on_return.level] if risk_on_return else []),
            )
        )
        suitability = Suitability.RECOMMENDED
    else:
        reasons.append(
            say(
                "pathways.extension.prepare_return",
                gettext_noop("An extension gives time to prepare a safe return."),
            )
        )
        suitability = Suitability.POSSIBLE
    days_left = _days_left(situation.facts)
    if days_left is not None:
        reasons.append(
            say(
                "pathways.extension.days_left",
                gettext_noop("The stay ends in %(days)s days."),
                days=str(days_left),
            )
        )
    used = situation.facts.relocation.extensions_used
    cautions = (
        (
            say(
                "pathways.extension.used",
                gettext_noop("%(count)s extension(s) already used."),
                count=str(used),
            ),
        )
        if used
        else ()
    )
    return Pathway(name, suitability, tuple(reasons), cautions)


def onward_relocation(situation: Situation) -> Pathway:
    """A further stay elsewhere for a defender already away, recommended at high forward risk."""
    name, forward = PathwayName.ONWARD_RELOCATION, situation.forward
    if not (situation.abroad or situation.in_relocation):
        return _not_suitable(
            name, say("pathways.onward.not_abroad", gettext_noop("The defender is not abroad."))
        )
    if not (
        _at_least(forward, RiskLevel.HIGH) or "onward_relocation" in situation.facts.defender.wishes
    ):
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.onward.option",
                    gettext_noop("An onward stay is an option if return is delayed."),
                ),
            ),
        )
    cautions = []
    if situation.facts.context.diaspora_monitored:
        cautions.append(
            say(
                "pathways.onward.diaspora_monitored",
                gettext_noop(
                    "The persecutor watches defenders abroad: choose a host beyond its reach."
                ),
            )
        )
    return _open_at_risk(
        name,
        Suitability.RECOMMENDED if _at_least(forward, RiskLevel.HIGH) else Suitability.POSSIBLE,
        forward.level,
        cautions,
    )


def return_with_protection(situation: Situation) -> Pathway:
    """Going home with a security plan, never with an arrest waiting or at high forward risk."""
    name, forward, facts = PathwayName.RETURN_WITH_PROTECTION, situation.forward, situation.facts
    if not (situation.abroad or situation.in_relocation or facts.relocation.status == "returned"):
        return _not_suitable(
            name, say("pathways.return.not_left", gettext_noop("The defender has not left."))
        )
    arrest = any(p.stage in ("warrant", "convicted", "in_absentia") for p in facts.prosecutions)
    if arrest or _at_least(forward, RiskLevel.HIGH):
        why = (
            say("pathways.return.arrest", gettext_noop("a prosecution means arrest on arrival"))
            if arrest
            else say(
                "pathways.pull.risk_on_return",
                gettext_noop("risk on return is %(level)s"),
                level=Codes([forward.level]),
            )
        )
        return _not_suitable(
            name, say("pathways.return.not_safe", gettext_noop("Not safe now: %(why)s."), why=why)
        )
    return _open_at_risk(
        name,
        Suitability.RECOMMENDED if facts.defender.intends_to_return else Suitability.POSSIBLE,
        forward.level,
        (
            say(
                "pathways.return.review",
                gettext_noop("Review risk on return shortly before travel."),
            ),
        ),
    )
