"""
Refugee status and complementary protection, element by element.

The engine follows the order in which decision makers examine a claim under the 1951 Convention
(art 1A(2), 1C-1F, 33(2)) and complementary protection, twelve questions in turn after the
standard of proof: outside the country; credibility; sur place; well-founded fear; persecution
(including prosecution as persecution and the rule that nobody must stop protected work to be
safe); Convention ground, actual or imputed; nexus; actors; state protection; internal relocation;
exclusion (1D, 1E, 1F), cessation (1C) and art 33(2); complementary protection (QD art 15, ECHR
art 3, CAT art 3, ICCPR arts 6-7).

Every element answers one question with ``met``, ``not_met``, ``unclear`` or ``not_applicable``,
and ``met`` always means *the element favours protection*: for ``state_protection`` it means
effective protection is lacking, for ``internal_relocation`` that no reasonable alternative
exists, for ``exclusion`` and ``cessation`` that no clause applies. ``ELEMENT_QUESTIONS`` states
each question so that a report can print it beside the finding.

The engine assesses the facts as recorded. Credibility not yet assessed is a caution, not a bar;
credibility rejected or evidence insufficient gives ``further_evidence_needed``. It advises; a
legal adviser decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from haven.domain import messages
from haven.domain.facts import CaseFacts
from haven.domain.hrd import HrdScreening
from haven.domain.protection.absolute import absolute_risk_grounds
from haven.domain.protection.common import (
    DEATH_PENALTY_ABOLITION_BOUND,
    DEFAULT_JURISDICTION,
    ELEMENT_QUESTIONS,
    LIFE_OR_FREEDOM_HARMS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    ONE_F,
    PENDING_STAGES,
    RISK_TO_LIFE_HARMS,
    SOURCE_ART_1A2,
    SOURCE_HANDBOOK,
    SOURCES_ABSOLUTE,
    SOURCES_CONTINUATION,
    SOURCES_PAST_PERSECUTION,
    SOURCES_RELOCATION_BURDEN,
    SOURCES_RISK_WITHOUT_PAST_HARM,
    SOURCES_UNASSESSED,
    STANDARDS_OF_PROOF,
    UNCLEAR,
    Element,
    Outcome,
    ProtectionAssessment,
    actors_of,
    credibility_unassessed,
    join_codes,
    state_involved,
)
from haven.domain.protection.complementary import complementary
from haven.domain.protection.exclusion import cessation, exclusion
from haven.domain.protection.fear import (
    continuation_reason,
    credibility,
    outside_country,
    past_persecution_found,
    persecution,
    well_founded_fear,
)
from haven.domain.protection.grounds import (
    convention_ground,
    nexus,
    sur_place,
)
from haven.domain.protection.refuge import (
    actor,
    internal_relocation,
    relocation_defeaters,
    safe_area_shown,
    state_protection,
)
from haven.domain.risk import RiskAssessment, founded_feared_harms
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
    ProtectionOutcome,
)

#: The names this package has always offered; the rules themselves live in its modules.
__all__ = [
    "DEATH_PENALTY_ABOLITION_BOUND",
    "DEFAULT_JURISDICTION",
    "ELEMENT_QUESTIONS",
    "INCLUSION",
    "LIFE_OR_FREEDOM_HARMS",
    "MET",
    "NOT_APPLICABLE",
    "NOT_MET",
    "ONE_F",
    "PENDING_STAGES",
    "RISK_TO_LIFE_HARMS",
    "SOURCES_ABSOLUTE",
    "SOURCES_CONTINUATION",
    "SOURCES_PAST_PERSECUTION",
    "SOURCES_RELOCATION_BURDEN",
    "SOURCES_RISK_WITHOUT_PAST_HARM",
    "SOURCES_UNASSESSED",
    "SOURCE_ART_1A2",
    "SOURCE_HANDBOOK",
    "STANDARDS_OF_PROOF",
    "UNCLEAR",
    "Element",
    "Outcome",
    "ProtectionAssessment",
    "absolute_risk_grounds",
    "actors_of",
    "assess_protection",
    "continuation_reason",
    "credibility_unassessed",
    "past_persecution_found",
    "relocation_defeaters",
    "safe_area_shown",
    "state_involved",
]


def assess_protection(
    facts: CaseFacts, *, hrd: HrdScreening, risk: RiskAssessment
) -> ProtectionAssessment:
    """
    Assess refugee status and complementary protection on the facts as recorded.

    ``risk`` is the forward-looking risk to weigh: risk on return when the defender is abroad.
    """
    jurisdiction = facts.claim.jurisdiction or DEFAULT_JURISDICTION
    standard = STANDARDS_OF_PROOF[jurisdiction]
    if facts.claim.jurisdiction is None:
        standard = messages.say(
            "protection.standard.default",
            messages.gettext_noop(
                "%(standard)s (No jurisdiction is recorded; UNHCR's standard is used.)"
            ),
            standard=standard,
        )
    elements = {
        "outside_country": outside_country(facts),
        "credibility": credibility(facts),
        "sur_place": sur_place(facts, jurisdiction),
        "well_founded_fear": well_founded_fear(facts, risk, standard),
        "persecution": persecution(facts),
        "convention_ground": convention_ground(facts, hrd),
        "nexus": nexus(facts, jurisdiction),
        "actor": actor(facts),
        "state_protection": state_protection(facts),
        "internal_relocation": internal_relocation(facts),
        "exclusion": exclusion(facts),
        "cessation": cessation(facts),
        "complementary_protection": complementary(facts, risk, jurisdiction),
    }
    outcome, reasons = _outcome(facts, elements, absolute_risk_grounds(facts, risk))
    return ProtectionAssessment(
        outcome=outcome,
        standard_of_proof=standard,
        jurisdiction=jurisdiction,
        elements=elements,
        reasons=tuple(reasons),
    )


INCLUSION = (
    "outside_country",
    "well_founded_fear",
    "persecution",
    "convention_ground",
    "nexus",
    "actor",
    "state_protection",
    "internal_relocation",
)


def _outcome(
    facts: CaseFacts, elements: Mapping[str, Element], absolute: Sequence[str]
) -> tuple[ProtectionOutcome, list[str]]:
    """
    Combine the elements in the order a decision maker examines them (the order above), then
    apply the two guards of the rules of law: an absolute prohibition gives at least non-refoulement for a
    person outside their country (rule 1), and no firm "no" rests on unassessed facts (rule 5).
    Every reason is a keyed ``Message`` (rule 12).
    """
    outcome, reasons = _tree_outcome(facts, elements, bool(absolute))
    if outcome in POSITIVE_OUTCOMES and elements["credibility"].finding == UNCLEAR:
        reasons[0] = messages.IF_ACCOUNT_ACCEPTED(reason=reasons[0])
    if (
        outcome == Outcome.NO_PROTECTION_NEED_SHOWN
        and elements["credibility"].finding == UNCLEAR
        and credibility_unassessed(facts)
    ):
        return Outcome.FURTHER_EVIDENCE_NEEDED, [*reasons, messages.NO_FIRM_NO()]
    return outcome, reasons


def _limits(facts: CaseFacts, elements: Mapping[str, Element]) -> str:
    """What limits the status: the exclusion, art 33(2) and cessation findings, in words."""
    claim = facts.claim
    limits = []
    if set(claim.exclusion_indicators) - {"danger_to_host_security"}:
        limits.append(
            messages.say(
                "protection.limits.exclusion",
                messages.gettext_noop("exclusion (%(indicators)s)"),
                indicators=join_codes(
                    sorted(set(claim.exclusion_indicators) - {"danger_to_host_security"})
                ),
            )
        )
    if "danger_to_host_security" in claim.exclusion_indicators:
        limits.append(
            messages.say(
                "protection.limits.danger_to_host",
                messages.gettext_noop(
                    "danger to the host's security (art 33(2); QD art 14(4)-(6))"
                ),
            )
        )
    if elements["cessation"].finding == NOT_MET:
        limits.append(
            messages.say(
                "protection.limits.cessation",
                messages.gettext_noop("cessation (%(indicators)s)"),
                indicators=join_codes(claim.cessation_indicators),
            )
        )
    return messages.Joined(limits)


def _tree_outcome(
    facts: CaseFacts, elements: Mapping[str, Element], absolute: bool
) -> tuple[ProtectionOutcome, list[str]]:
    claim = facts.claim
    if elements["outside_country"].finding == NOT_MET:
        return Outcome.NOT_APPLICABLE, [messages.IN_OWN_COUNTRY()]
    complementary = elements["complementary_protection"].finding
    subsidiary_excluded = bool(claim.exclusion_indicators)
    failing = [name for name in INCLUSION if elements[name].finding == NOT_MET]
    open_ = [name for name in INCLUSION if elements[name].finding == UNCLEAR]
    pre_departure_basis = (
        any(not threat.after_departure for threat in facts.threats)
        or any(p.stage != "in_absentia" for p in facts.prosecutions)
        or bool(founded_feared_harms(facts))
    )
    if elements["sur_place"].finding == NOT_MET and not pre_departure_basis:
        failing.append("sur_place")
    excluded = elements["exclusion"].finding == NOT_MET
    ceased = elements["cessation"].finding == NOT_MET
    danger = "danger_to_host_security" in claim.exclusion_indicators
    limits = _limits(facts, elements)

    if elements["credibility"].finding == NOT_MET:
        # Facts of a rejected account cannot found the risk; an adviser's own finding of a
        # torture risk still can (it may rest on accepted facts alone).
        if claim.torture_risk_by_or_with_state:
            return Outcome.NON_REFOULEMENT_ONLY, [messages.REJECTED_BUT_ABSOLUTE()]
        return Outcome.FURTHER_EVIDENCE_NEEDED, [messages.REJECTED()]
    if excluded or ceased:
        why = messages.WHY_EXCLUDED() if excluded else messages.WHY_CEASED()
        if complementary == MET and not subsidiary_excluded:
            return Outcome.COMPLEMENTARY_PROTECTION, [messages.BARRED_COMPLEMENTARY(why=why)]
        if absolute:
            return Outcome.NON_REFOULEMENT_ONLY, [
                messages.BARRED_BUT_ABSOLUTE(why=why, limits=limits)
            ]
        return Outcome.NO_PROTECTION_NEED_SHOWN, [messages.BARRED(why=why)]
    if not failing and not open_:
        reasons: list[str] = [messages.REFUGEE()]
        if danger:
            caution = messages.DANGER_TO_HOST_ABSOLUTE if absolute else messages.DANGER_TO_HOST
            reasons.append(caution())
        return Outcome.REFUGEE, reasons
    if failing:
        names = messages.Codes(failing, as_written=True)
        if complementary == MET or absolute:
            if subsidiary_excluded:
                if absolute:
                    return Outcome.NON_REFOULEMENT_ONLY, [
                        messages.FAILS_EXCLUDED_BUT_ABSOLUTE(elements=names, limits=limits)
                    ]
                return Outcome.NO_PROTECTION_NEED_SHOWN, [messages.FAILS_EXCLUDED(elements=names)]
            return Outcome.COMPLEMENTARY_PROTECTION, [messages.FAILS_COMPLEMENTARY(elements=names)]
        if complementary == UNCLEAR:
            return Outcome.FURTHER_EVIDENCE_NEEDED, [
                messages.FAILS_COMPLEMENTARY_OPEN(elements=names)
            ]
        return Outcome.NO_PROTECTION_NEED_SHOWN, [messages.FAILS(elements=names)]
    names = messages.Codes(open_, as_written=True)
    if absolute or complementary == MET:
        if subsidiary_excluded and absolute:
            return Outcome.NON_REFOULEMENT_ONLY, [
                messages.OPEN_EXCLUDED_BUT_ABSOLUTE(elements=names, limits=limits)
            ]
        if not subsidiary_excluded:
            return Outcome.COMPLEMENTARY_PROTECTION, [messages.OPEN_COMPLEMENTARY(elements=names)]
    return Outcome.FURTHER_EVIDENCE_NEEDED, [messages.OPEN(elements=names)]
