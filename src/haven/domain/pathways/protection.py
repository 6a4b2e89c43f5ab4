"""
Pathway rules of the refugee regime and humanitarian admission: asylum, resettlement and a
humanitarian visa.
"""

from __future__ import annotations

from collections.abc import Mapping

from haven.domain.messages import Codes, MessageTemplate, gettext_noop, say
from haven.domain.pathways.common import (
    PROTECTION_POINTS_TO,
    Pathway,
    Situation,
    _at_least,
)
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
    PathwayName,
    ProtectionOutcome,
    RiskLevel,
    Suitability,
)

ASYLUM_CAUTION = say(
    "pathways.asylum.caution",
    gettext_noop(
        "Seeking asylum is the defender's decision, after independent legal advice; it may end a programme stay and make return harder."
    ),
)


#: The asylum pathway when the protection outcome is not positive: how suitable it is, and why.
#: Any outcome not listed shows no protection need.
ASYLUM_UNLESS_POSITIVE: Mapping[ProtectionOutcome, tuple[Suitability, MessageTemplate]] = {
    ProtectionOutcome.FURTHER_EVIDENCE_NEEDED: (
        Suitability.POSSIBLE,
        MessageTemplate(
            "pathways.asylum.open",
            gettext_noop("The protection need is open: gather evidence and take legal advice."),
        ),
    ),
    ProtectionOutcome.NOT_APPLICABLE: (
        Suitability.NOT_SUITABLE,
        MessageTemplate(
            "pathways.asylum.in_own_country",
            gettext_noop("Asylum can only be sought outside the country of nationality."),
        ),
    ),
}
NO_PROTECTION_NEED = MessageTemplate(
    "pathways.asylum.no_need", gettext_noop("No protection need is shown on the facts recorded.")
)


def asylum(situation: Situation) -> Pathway:
    """
    Follows the protection outcome; the decision to claim stays the defender's, so the asylum
    caution goes with the pathway whenever it is open (recommended or possible).
    """
    name, outcome = PathwayName.ASYLUM, situation.protection.outcome
    if outcome in POSITIVE_OUTCOMES:
        suitability = Suitability.RECOMMENDED
        reason = PROTECTION_POINTS_TO(outcome=Codes([outcome]))
    else:
        suitability, template = ASYLUM_UNLESS_POSITIVE.get(
            outcome, (Suitability.NOT_SUITABLE, NO_PROTECTION_NEED)
        )
        reason = template()
    cautions = () if suitability == Suitability.NOT_SUITABLE else (ASYLUM_CAUTION,)
    return Pathway(name, suitability, (reason,), cautions)


def resettlement(situation: Situation) -> Pathway:
    """For a refugee already outside their country."""
    name = PathwayName.RESETTLEMENT
    if situation.protection.outcome == ProtectionOutcome.REFUGEE and situation.abroad:
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.resettlement.possible",
                    gettext_noop(
                        "A refugee outside their country may be referred for resettlement (for example Canada's stream for defenders)."
                    ),
                ),
            ),
            (
                say(
                    "pathways.resettlement.caution",
                    gettext_noop(
                        "Resettlement usually needs recognition by UNHCR or the host state and takes months."
                    ),
                ),
            ),
        )
    return Pathway(
        name,
        Suitability.NOT_SUITABLE,
        (
            say(
                "pathways.resettlement.not_suitable",
                gettext_noop("Resettlement needs a recognised refugee outside their country."),
            ),
        ),
    )


def humanitarian_visa(situation: Situation) -> Pathway:
    """A visa to travel and seek protection, for a defender at high risk at home."""
    name, risk = PathwayName.HUMANITARIAN_VISA, situation.risk
    if not situation.abroad and _at_least(risk, RiskLevel.HIGH):
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.humanitarian.possible",
                    gettext_noop(
                        "Risk is %(level)s in the country: a humanitarian visa allows travel to seek protection."
                    ),
                    level=Codes([risk.level]),
                ),
            ),
            (
                say(
                    "pathways.humanitarian.caution",
                    gettext_noop("Few states issue them, and decisions are slow."),
                ),
                *situation.travel_cautions,
            ),
        )
    return Pathway(
        name,
        Suitability.NOT_SUITABLE,
        (
            say("pathways.humanitarian.abroad", gettext_noop("The defender is abroad."))
            if situation.abroad
            else say(
                "pathways.humanitarian.risk",
                gettext_noop("Risk is %(level)s."),
                level=Codes([risk.level]),
            ),
        ),
    )
