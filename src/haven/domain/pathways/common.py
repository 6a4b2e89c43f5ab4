"""
Shared shapes of the pathway engine: regime standing, pathways, tension and the situation every
rule reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes, MessageTemplate, gettext_noop, say
from haven.domain.protection import ProtectionAssessment
from haven.domain.risk import RiskAssessment
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
    PathwayName,
    RegimeStatus,
    RiskLevel,
    Suitability,
)

IN_PROGRAMME = ("applied", "accepted", "in_relocation")
SUITABILITY_ORDER: tuple[Suitability, ...] = tuple(Suitability)

#: The wish that speaks for each pathway.
WISH_FOR_PATHWAY: Mapping[str, str] = {
    "in_country_protection": "stay_and_continue",
    "temporary_international_relocation": "respite",
    "extension": "extend",
    "onward_relocation": "onward_relocation",
    "return_with_protection": "return",
    "asylum": "asylum",
    "resettlement": "resettlement",
}


@dataclass(frozen=True)
class Standing:
    status: RegimeStatus
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Pathway:
    pathway: PathwayName
    suitability: Suitability
    reasons: tuple[str, ...]
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tension:
    flag: bool
    reasons: tuple[str, ...]
    actions: tuple[str, ...]


def _at_least(risk: RiskAssessment | None, level: RiskLevel) -> bool:
    return risk is not None and risk.level.rank >= level.rank


def _not_suitable(name: PathwayName, reason: str) -> Pathway:
    """A pathway ruled out for one reason, with no cautions: nothing to prepare for it."""
    return Pathway(name, Suitability.NOT_SUITABLE, (reason,))


#: Relocation needs at least a medium risk; below it the pathway is ruled out in these words.
RISK_LOW = MessageTemplate("pathways.risk_low", gettext_noop("Risk is low."))


def programme_expects_return(facts: CaseFacts, catalogue_rule: bool | None) -> bool | None:
    """Whether the defender's programme expects return: the facts first, then the catalogue."""
    if facts.relocation.programme_requires_return is not None:
        return facts.relocation.programme_requires_return
    return catalogue_rule


def _days_left(facts: CaseFacts) -> int | None:
    end = facts.relocation.end_date
    if end is None or facts.assessed_on is None:
        return None
    return (end - facts.assessed_on).days


def _return_pulls(
    risk_on_return: RiskAssessment | None, protection: ProtectionAssessment
) -> list[str]:
    """
    What the engines' findings hold against a return the programme expects: a high risk on
    return, and a protection assessment that points to protection. The regime map and the tension
    flag read the same two findings, so they cannot disagree on when a return is in doubt.
    """
    pulls: list[str] = []
    if _at_least(risk_on_return, RiskLevel.HIGH):
        pulls.append(
            say(
                "pathways.pull.risk_on_return",
                gettext_noop("risk on return is %(level)s"),
                level=Codes([risk_on_return.level] if risk_on_return else []),
            )
        )
    if protection.outcome in POSITIVE_OUTCOMES:
        pulls.append(
            say(
                "pathways.pull.protection",
                gettext_noop("the protection assessment points to %(outcome)s"),
                outcome=Codes([protection.outcome]),
            )
        )
    return pulls


#: The regime map and the asylum pathway say it alike when the protection outcome is positive.
PROTECTION_POINTS_TO = MessageTemplate(
    "pathways.protection_points_to",
    gettext_noop("The protection assessment points to %(outcome)s."),
)

#: The regime map and the tension engine say it alike when something pulls against return.
EXPECTS_RETURN_BUT = MessageTemplate(
    "pathways.regime.expects_return",
    gettext_noop("The programme expects return, but %(pulls)s."),
)


@dataclass(frozen=True)
class Situation:
    """What every pathway rule reads: the facts, the engine results and a few derived answers."""

    facts: CaseFacts
    risk: RiskAssessment
    risk_on_return: RiskAssessment | None
    protection: ProtectionAssessment
    abroad: bool | None
    in_relocation: bool
    state_persecutor: bool
    travel_cautions: tuple[str, ...]

    @property
    def forward(self) -> RiskAssessment:
        """The risk the defender faces next: on return when that is assessed, else now."""
        return self.risk_on_return or self.risk


PathwayRule = Callable[[Situation], Pathway]
