"""
The ranking: every pathway rule applied to one situation, best first, wishes breaking ties
within a rank.
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import gettext_noop, say
from haven.domain.pathways.common import (
    SUITABILITY_ORDER,
    WISH_FOR_PATHWAY,
    Pathway,
    PathwayRule,
    Situation,
)
from haven.domain.pathways.protection import asylum, humanitarian_visa, resettlement
from haven.domain.pathways.relocation import (
    extension,
    in_country_protection,
    internal_relocation,
    onward_relocation,
    regional_relocation,
    return_with_protection,
    temporary_international_relocation,
)
from haven.domain.protection import (
    ProtectionAssessment,
    state_involved,
)
from haven.domain.risk import RiskAssessment, is_outside_country_of_risk
from haven.domain.vocabulary import Suitability


def _travel_cautions(facts: CaseFacts, abroad: bool | None) -> tuple[str, ...]:
    defender = facts.defender
    cautions = []
    if defender.travel_ban:
        cautions.append(
            say(
                "pathways.caution.travel_ban",
                gettext_noop("A travel ban may stop the defender leaving through official exits."),
            )
        )
    if defender.valid_passport is False:
        cautions.append(
            say("pathways.caution.no_passport", gettext_noop("The defender has no valid passport."))
        )
    if defender.valid_passport is None and not abroad:
        cautions.append(
            say(
                "pathways.caution.passport_unrecorded",
                gettext_noop("Whether the defender holds a valid passport is not recorded."),
            )
        )
    return tuple(cautions)


#: Every pathway rule, in the fixed order that breaks ties in the ranking.
PATHWAY_RULES: tuple[PathwayRule, ...] = (
    in_country_protection,
    internal_relocation,
    regional_relocation,
    temporary_international_relocation,
    extension,
    onward_relocation,
    return_with_protection,
    asylum,
    resettlement,
    humanitarian_visa,
)


def rank_pathways(
    facts: CaseFacts,
    *,
    risk: RiskAssessment,
    risk_on_return: RiskAssessment | None,
    protection: ProtectionAssessment,
) -> tuple[Pathway, ...]:
    """Every pathway with its suitability, reasons and cautions, best first."""
    abroad = is_outside_country_of_risk(facts)
    situation = Situation(
        facts=facts,
        risk=risk,
        risk_on_return=risk_on_return,
        protection=protection,
        abroad=abroad,
        in_relocation=facts.relocation.status == "in_relocation",
        state_persecutor=state_involved(facts),
        travel_cautions=_travel_cautions(facts, abroad),
    )
    wishes = facts.defender.wishes
    pathways = [rule(situation) for rule in PATHWAY_RULES]
    labelled = [
        Pathway(
            item.pathway,
            item.suitability,
            (*item.reasons, say("pathways.wished", gettext_noop("The defender wishes for this.")))
            if WISH_FOR_PATHWAY.get(item.pathway) in wishes
            and item.suitability != Suitability.NOT_SUITABLE
            else item.reasons,
            item.cautions,
        )
        for item in pathways
    ]
    order = {item.pathway: index for index, item in enumerate(pathways)}
    return tuple(
        sorted(
            labelled,
            key=lambda item: (
                SUITABILITY_ORDER.index(item.suitability),
                WISH_FOR_PATHWAY.get(item.pathway) not in wishes,
                order[item.pathway],
            ),
        )
    )
