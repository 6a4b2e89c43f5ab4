"""
Refugee status and complementary protection, element by element.

The engine follows the decision structure in ``shared/reference/refugee-law.md`` (nodes 0-12):
standard of proof; outside the country; credibility; sur place; well-founded fear; persecution
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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from haven.domain import messages
from haven.domain.facts import CaseFacts
from haven.domain.hrd import HrdScreening
from haven.domain.risk import STATE_ACTORS, RiskAssessment, founded_feared_harms
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
    Finding,
    HrdStatus,
    ProtectionOutcome,
    RiskLevel,
)

MET, NOT_MET, UNCLEAR, NOT_APPLICABLE = (
    Finding.MET,
    Finding.NOT_MET,
    Finding.UNCLEAR,
    Finding.NOT_APPLICABLE,
)
Outcome = ProtectionOutcome

ELEMENT_QUESTIONS: Mapping[str, str] = {
    "outside_country": "Is the defender outside their country of nationality (or habitual residence)?",
    "credibility": "Are the material facts accepted?",
    "well_founded_fear": "Is there a well-founded fear of serious harm on return?",
    "persecution": "Does the harm feared amount to persecution?",
    "convention_ground": "Is there a Convention ground, actual or imputed?",
    "nexus": "Is the ground a real reason for the harm or for the lack of protection?",
    "sur_place": "Do events after departure or activity abroad found or add to the fear?",
    "actor": "Is there an actor of persecution?",
    "state_protection": "Is effective state protection lacking?",
    "internal_relocation": "Is there no reasonable internal relocation alternative?",
    "exclusion": "Does no exclusion clause (1D, 1E, 1F) apply?",
    "cessation": "Does no cessation clause (1C) apply?",
    "complementary_protection": "Is there a real risk of serious harm that bars removal (QD art 15, ECHR art 3, CAT art 3)?",
}

STANDARDS_OF_PROOF: Mapping[str, str] = {
    "UNHCR": "UNHCR: a reasonable possibility of persecution (Handbook paras 37-50); shared duty to find the facts and the benefit of the doubt where the account is generally credible (paras 195-205).",
    "EU": "EU: individual assessment under QD art 4; past persecution or direct threats are a serious indication of future risk (art 4(4)); benefit of the doubt (art 4(5)); for ECHR art 3, substantial grounds for believing there is a real risk (Saadi v Italy).",
    "UK": "UK: a reasonable degree of likelihood of persecution (Sivakumaran [1988] AC 958); since the Nationality and Borders Act 2022 s 32 the past facts and the characteristic are decided on the balance of probabilities (check the transitional rules).",
    "US": "US: asylum needs a reasonable possibility, which may be as low as a 10% chance (INS v Cardoza-Fonseca, 480 U.S. 421); past persecution raises a rebuttable presumption (8 C.F.R. 1208.13(b)); withholding and CAT need 'more likely than not'.",
    "CA": "Canada: a serious possibility of persecution (Adjei [1989] 2 FC 680) for IRPA s 96; IRPA s 97 uses the balance of probabilities.",
    "AU": "Australia: a real chance, substantial but possibly well below 50% (Chan Yee Kin (1989) 169 CLR 379); complementary protection uses real risk at the same threshold (MIAC v SZQRB [2013] FCAFC 33).",
    "NZ": "New Zealand: a real chance, following Chan.",
}
DEFAULT_JURISDICTION = "UNHCR"

SOURCE_ART_1A2 = "1951 Convention art 1A(2)"
SOURCE_HANDBOOK = "UNHCR Handbook"
LIFE_OR_FREEDOM_HARMS = frozenset(
    {
        "killing_attempt",
        "death_threat",
        "physical_attack",
        "sexual_violence",
        "torture",
        "enforced_disappearance",
        "abduction",
        "arbitrary_detention",
    }
)
ONE_F = frozenset(
    {
        "crime_against_humanity_or_war_crime",
        "serious_non_political_crime",
        "acts_contrary_to_un_purposes",
    }
)


#: Harms to life or to freedom from torture: a high or critical risk of one of them from the state
#: (or with its acquiescence) is a real risk of arbitrary deprivation of life or of ill-treatment.
RISK_TO_LIFE_HARMS = frozenset(
    {"killing_attempt", "death_threat", "enforced_disappearance", "torture"}
)
#: Jurisdictions bound never to expose anyone to the death penalty: ECHR Protocol 13 (EU member
#: states, the UK) or the Second Optional Protocol to the ICCPR (Australia, Canada, New Zealand).
DEATH_PENALTY_ABOLITION_BOUND = frozenset({"EU", "UK", "CA", "AU", "NZ"})
SOURCES_ABSOLUTE = (
    "ECHR art 3",
    "Chahal v UK (GC 1996) paras 79-80",
    "Saadi v Italy (GC 2008)",
    "CAT art 3",
    "ICCPR arts 6-7 (HRC General Comment 31 para 12)",
    "Al-Saadoon and Mufdhi v UK (2010)",
    "CJEU C-391/16 M and Others",
    "8 CFR 1208.17 (deferral of removal)",
)
SOURCES_CONTINUATION = (
    "HJ (Iran) [2010] UKSC 31 para 82",
    "RT (Zimbabwe) [2012] UKSC 38",
    "Appellant S395/2002 (HCA 2003)",
    "CJEU C-71/11 and C-99/11 Y and Z",
)
SOURCES_PAST_PERSECUTION = ("QD art 4(4)", "8 CFR 1208.13(b)(1) and (b)(3)(ii)")
SOURCES_RISK_WITHOUT_PAST_HARM = (
    "UNHCR Handbook paras 43, 45, 94-96",
    "QD art 5(2)",
    "S.F. and Others v Sweden (ECtHR 2012)",
    "BA (Iran) CG [2011] UKUT 36",
)
SOURCES_RELOCATION_BURDEN = (
    "UNHCR GIP No. 4 paras 33-35",
    "QD art 8",
    "Januzi v SSHD [2006] UKHL 5",
)
SOURCES_UNASSESSED = (
    "UNHCR Handbook paras 195-196, 203-205",
    "UNHCR Note on Burden and Standard of Proof (1998)",
)
PENDING_STAGES = frozenset({"investigation", "warrant", "charged", "on_trial", "in_absentia"})


@dataclass(frozen=True)
class Element:
    """One element's finding, with reasons in plain words and the sources they rest on."""

    finding: Finding
    reasons: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ProtectionAssessment:
    outcome: ProtectionOutcome
    standard_of_proof: str
    jurisdiction: str
    elements: Mapping[str, Element]
    reasons: tuple[str, ...]


def _words(code: str) -> str:
    return code.replace("_", " ")


def _join(codes: Iterable[str]) -> str:
    return ", ".join(_words(code) for code in codes)


def _home_countries(facts: CaseFacts) -> set[str]:
    defender = facts.defender
    if defender.stateless:
        return {defender.habitual_residence} if defender.habitual_residence else set()
    return set(defender.nationalities)


def actors_of(facts: CaseFacts) -> set[str]:
    """
    Every known actor behind the threats and founded feared harms, with the judiciary for each
    prosecution.
    """
    actors = {
        threat.actor for threat in facts.threats if threat.actor and threat.actor != "unknown"
    }
    actors |= {
        harm.actor for harm in founded_feared_harms(facts) if harm.actor and harm.actor != "unknown"
    }
    if facts.prosecutions:
        actors.add("judiciary")
    return actors


def credibility_unassessed(facts: CaseFacts) -> bool:
    """Whether the account still waits for a credibility finding (absent or ``not_assessed``)."""
    return facts.claim.credibility in (None, "not_assessed")


def absolute_risk_grounds(facts: CaseFacts, risk: RiskAssessment) -> list[str]:
    """
    Every way the facts show a real risk of torture, cruel, inhuman or degrading treatment, or
    arbitrary deprivation of life: prohibitions that no exclusion, art 33(2), QD art 17 or
    cessation clause lifts (rule 1; ECHR art 3; CAT art 3; ICCPR arts 6-7).
    """
    claim = facts.claim
    jurisdiction = claim.jurisdiction or DEFAULT_JURISDICTION
    grounds = []
    if claim.torture_risk_by_or_with_state:
        grounds.append(
            "a real risk of torture by or with the acquiescence of the state is recorded"
        )
    if claim.past_torture and state_involved(facts):
        grounds.append(
            "past torture by state agents presumes a current risk of ill-treatment, which the state has not dispelled (R.C. v Sweden (2010) paras 53-55; J.K. and Others v Sweden (GC 2016); QD art 4(4))"
        )
    if claim.death_penalty_risk and jurisdiction in DEATH_PENALTY_ABOLITION_BOUND:
        grounds.append(
            f"a risk of the death penalty, to which {jurisdiction} may expose nobody (ECHR Protocol 13 or ICCPR Second Optional Protocol; Al-Saadoon and Mufdhi v UK)"
        )
    if risk.level.rank >= RiskLevel.HIGH.rank:
        state_harms = [
            threat.kind
            for threat in facts.threats
            if threat.kind in RISK_TO_LIFE_HARMS
            and (threat.actor in STATE_ACTORS or threat.authority_response == "hostile")
        ] + [
            harm.kind
            for harm in founded_feared_harms(facts)
            if harm.kind in RISK_TO_LIFE_HARMS and harm.actor in STATE_ACTORS
        ]
        if state_harms:
            grounds.append(
                f"a {risk.level} risk to life or of ill-treatment from the state or with its acquiescence ({_join(sorted(set(state_harms)))})"
            )
    return grounds


def past_persecution_found(facts: CaseFacts) -> str | None:
    """
    Why the facts show past persecution, or ``None``: an adviser's finding, or the engine's own
    when serious harm linked to the defender's work struck them before they left (rule 3).
    """
    if facts.claim.past_persecution:
        return "A legal adviser records past persecution."
    serious = sorted(
        {
            threat.kind
            for threat in facts.threats
            if threat.kind in LIFE_OR_FREEDOM_HARMS
            and not threat.after_departure
            and threat.directed_at in (None, "defender")
            and threat.linked_to_work
            and threat.actor not in (None, "unknown")
        }
    )
    if serious:
        return f"The engine finds past persecution: {_join(serious)} against the defender, linked to their work, before they left."
    return None


def continuation_reason(facts: CaseFacts) -> str | None:
    """
    Why safety would require the defender to stop, hide or change protected work, or ``None``
    (rule 2): the persecutor harms people for this work, and the defender would go on with it,
    or would stop only out of fear.
    """
    claim = facts.claim
    harms_the_work = (
        bool(facts.context.similarly_placed_harmed)
        or any(threat.linked_to_work for threat in facts.threats)
        or any(p.underlying_activity_protected for p in facts.prosecutions)
        or bool(founded_feared_harms(facts))
    )
    if not harms_the_work:
        return None
    if claim.would_continue_activity_on_return:
        return "The defender would continue their protected work on return, and the persecutor harms people for it: they cannot be expected to stop, hide or change it to be safe, so the fear is well founded and the harm persecutory (HJ (Iran) [2010] UKSC 31 para 82; RT (Zimbabwe) [2012] UKSC 38; Y and Z)."
    if claim.would_continue_activity_on_return is False:
        return "The defender would stop their work on return; if they would stop only out of fear, being safe only by stopping is itself persecution (HJ (Iran) [2010] UKSC 31 para 82; RT (Zimbabwe) [2012] UKSC 38). Record any other reason they would stop."
    return None


def state_involved(facts: CaseFacts) -> bool:
    return bool(actors_of(facts) & STATE_ACTORS)


def _outside_country(facts: CaseFacts) -> Element:
    sources: tuple[str, ...] = (SOURCE_ART_1A2, "UNHCR Handbook paras 87-93")
    home = _home_countries(facts)
    current = facts.defender.current_country
    if current is None or not home:
        missing = "defender.current_country" if current is None else "defender.nationalities"
        return Element(
            UNCLEAR,
            (
                f"Not known where the defender is, or of which country they are a national ({missing}).",
            ),
            sources,
        )
    if current in home:
        return Element(
            NOT_MET,
            (
                f"The defender is in {current}, their own country. The refugee definition applies only outside it: "
                "look at in-country protection, internal or regional relocation, or a relocation programme.",
            ),
            sources,
        )
    reasons = [f"The defender is in {current}, outside {', '.join(sorted(home))}."]
    if facts.relocation.status == "in_relocation":
        reasons.append(
            "Leaving lawfully on a relocation programme visa does not matter (Handbook paras 94-96)."
        )
    if len(facts.defender.nationalities) > 1:
        reasons.append(
            "They hold several nationalities: protection must be lacking in every one of them "
            "(art 1A(2) second paragraph; Handbook paras 106-107; Canada v Ward)."
        )
        sources = (*sources, "Canada (AG) v Ward [1993] 2 SCR 689")
    return Element(MET, tuple(reasons), sources)


def _credibility(facts: CaseFacts) -> Element:
    sources = ("UNHCR Handbook paras 195-205", "QD art 4(3) and 4(5)")
    claim = facts.claim
    if claim.credibility == "rejected":
        return Element(
            NOT_MET,
            (
                "A legal adviser has rejected the core account. Check whether risk arises from accepted facts alone (profile, activity abroad).",
            ),
            sources,
        )
    if claim.evidence == "insufficient":
        return Element(
            NOT_MET,
            (
                "The evidence is recorded as insufficient. Threat logs, complaints to the police, letters from defender networks and UN communications can fill the gap.",
            ),
            sources,
        )
    if claim.credibility in ("accepted", "partly_accepted"):
        reasons = [
            "A legal adviser has accepted the account."
            if claim.credibility == "accepted"
            else "The account is partly accepted: the assessment rests on the accepted facts."
        ]
        if claim.evidence != "sufficient":
            reasons.append("The sufficiency of the evidence is not yet assessed.")
        return Element(MET, tuple(reasons), sources)
    return Element(
        UNCLEAR,
        (
            "Credibility is not yet assessed: the engine takes the facts as recorded, which is a caution, not a bar; the benefit of the doubt applies where the account is generally credible.",
        ),
        sources,
    )


def _well_founded_fear(facts: CaseFacts, risk: RiskAssessment, standard: str) -> Element:
    claim = facts.claim
    sources: tuple[str, ...] = (
        "UNHCR Handbook paras 37-50",
        "QD art 4(4)",
        standard.split(":")[0] + " standard of proof",
    )
    reasons = [f"The engine rates the risk {risk.level} (score {risk.score:.1f})."]
    grave_or_direct = any(
        threat.kind in LIFE_OR_FREEDOM_HARMS and threat.directed_at in (None, "defender")
        for threat in facts.threats
    )
    past = past_persecution_found(facts)
    continuation = continuation_reason(facts)
    founded = founded_feared_harms(facts)
    persecutory, _, _ = _prosecution_is_persecution(facts)
    pending = [
        prosecution for prosecution in facts.prosecutions if prosecution.stage in PENDING_STAGES
    ]
    if past:
        objective = MET
        reasons.append(
            past
            + " Past persecution presumes a well-founded fear unless good reasons show it will not recur (QD art 4(4); 8 CFR 1208.13(b)(1))."
        )
        sources = (*sources, *SOURCES_PAST_PERSECUTION)
    elif continuation and claim.would_continue_activity_on_return:
        objective = MET
        reasons.append(continuation)
        sources = (*sources, *SOURCES_CONTINUATION)
    elif founded:
        objective = MET
        reasons.append(
            "No past harm is needed: "
            + "; ".join(
                f"{_words(harm.kind)}" + (f" by {_words(harm.actor)}" if harm.actor else "")
                for harm in founded
            )
            + " is feared from an actor who knows, or will probably learn, of the defender and harms people placed like them (Handbook paras 43, 45; QD art 5(2))."
        )
        sources = (*sources, *SOURCES_RISK_WITHOUT_PAST_HARM)
    elif persecutory and pending:
        objective = MET
        reasons.append(
            "A pending prosecution that is persecutory supports a well-founded fear (Handbook paras 56-60; QD art 9(2)(b)-(d))."
        )
        sources = (*sources, "UNHCR Handbook paras 56-60", "QD art 9(2)(b)-(d)")
    elif risk.level.rank >= RiskLevel.HIGH.rank:
        objective = MET
        reasons.append(
            "A high or critical risk is at least a reasonable possibility of serious harm."
        )
    elif risk.level == RiskLevel.MEDIUM:
        if facts.context.similarly_placed_harmed or grave_or_direct:
            objective = MET
            reasons.append(
                "A medium risk with direct threats to life or liberty, or harm to similarly placed defenders, reaches the low forward-looking threshold (Handbook paras 43-45)."
            )
        else:
            objective = UNCLEAR
            reasons.append(
                "A medium risk may or may not reach the threshold: record the treatment of similarly placed defenders and what the persecutor knows."
            )
    elif not facts.threats and not facts.prosecutions:
        objective = UNCLEAR
        reasons.append("No threats or prosecutions are recorded: the facts are too thin to judge.")
    elif (
        facts.context.country is None
        and facts.context.civic_space is None
        and claim.credibility is None
    ):
        objective = UNCLEAR
        reasons.append(
            "The risk scores low, but neither the country context nor a credibility finding is recorded: the facts are too thin to rule out a well-founded fear."
        )
    elif credibility_unassessed(facts):
        objective = UNCLEAR
        reasons.append(
            "The risk scores low, but credibility and evidence are not yet assessed: no firm answer before the facts are established (Handbook paras 195-196, 203-205)."
        )
        sources = (*sources, *SOURCES_UNASSESSED)
    else:
        objective = NOT_MET
        reasons.append(
            "On the recorded facts the risk is low, below a reasonable possibility of serious harm."
        )
    if claim.subjective_fear is False:
        reasons.append(
            "The defender is not recorded as fearing return; the Handbook treats fear as subjective and objective (paras 37-41), so this needs a closer look."
        )
        finding = UNCLEAR if objective == MET else objective
    else:
        if claim.subjective_fear is None:
            reasons.append("The defender's own fear is not recorded.")
        finding = objective
    return Element(finding, tuple(reasons), sources)


def _prosecution_is_persecution(facts: CaseFacts) -> tuple[list[str], list[str], list[str]]:
    """Split prosecutions into persecutory, legitimate and unclear ones (Handbook paras 56-60)."""
    persecutory, legitimate, unclear = [], [], []
    for prosecution in facts.prosecutions:
        label = f"the {_words(prosecution.charge or 'unspecified')} prosecution"
        signs = []
        if prosecution.underlying_activity_protected:
            signs.append("punishes protected peaceful activity")
        if prosecution.law_meets_rights_standards is False:
            signs.append("the law breaches human rights standards")
        if prosecution.applied_discriminatorily:
            signs.append("it is applied discriminatorily")
        if prosecution.penalty_disproportionate:
            signs.append("the penalty is disproportionate")
        if prosecution.fair_trial_available is False:
            signs.append("no fair trial is available")
        elif prosecution.stage == "in_absentia" and prosecution.fair_trial_available is not True:
            signs.append(
                "a conviction in absentia without a guaranteed retrial fails the fair-trial test (Sejdovic v Italy (GC 2006); Othman (Abu Qatada) v UK (2012))"
            )
        if signs:
            persecutory.append(f"{label}: {', '.join(signs)}")
        elif (
            prosecution.underlying_activity_protected is False
            and prosecution.law_meets_rights_standards is True
            and prosecution.applied_discriminatorily is False
            and prosecution.penalty_disproportionate is False
            and prosecution.fair_trial_available is True
        ):
            legitimate.append(label)
        else:
            unclear.append(label)
    return persecutory, legitimate, unclear


def _persecution(facts: CaseFacts) -> Element:
    sources = ["UNHCR Handbook paras 51-65", "QD art 9(1)-(2)"]
    reasons: list[str] = []
    serious = sorted(
        {threat.kind for threat in facts.threats if threat.kind in LIFE_OR_FREEDOM_HARMS}
    )
    lesser = [threat for threat in facts.threats if threat.kind not in LIFE_OR_FREEDOM_HARMS]
    persecutory, legitimate, unclear = _prosecution_is_persecution(facts)
    met = False
    if serious:
        met = True
        reasons.append(
            f"Threats to life or freedom ({_join(serious)}) are always persecution when on a Convention ground (Handbook para 51; QD art 9(2)(a))."
        )
    if persecutory:
        met = True
        reasons.append(
            "Prosecution as persecution: "
            + "; ".join(persecutory)
            + " (Handbook paras 56-60; QD art 9(2)(b)-(d))."
        )
    if legitimate:
        reasons.append(
            "Legitimate prosecution is not persecution: "
            + ", ".join(legitimate)
            + " (Handbook para 56)."
        )
    if unclear:
        reasons.append(
            "Not enough is recorded to tell prosecution from persecution for "
            + ", ".join(unclear)
            + ": compare the charge with the underlying activity, the fairness of the trial and the likely sentence."
        )
    if len(lesser) >= 3:
        met = True
        reasons.append(
            f"{len(lesser)} lesser measures ({_join(sorted({threat.kind for threat in lesser}))}) add up to persecution on cumulative grounds (Handbook paras 53-55; QD art 9(1)(b))."
        )
    elif lesser:
        reasons.append(
            f"Lesser measures ({_join(sorted({threat.kind for threat in lesser}))}) may add up with others; on their own they may fall below the threshold (Handbook paras 53-55)."
        )
    if any(
        p.stage == "in_absentia" and p.fair_trial_available is not True for p in facts.prosecutions
    ):
        sources += ["Sejdovic v Italy (GC 2006)", "Othman (Abu Qatada) v UK (2012)"]
    past = past_persecution_found(facts)
    if past:
        met = True
        reasons.append(past)
    serious_feared = sorted(
        {harm.kind for harm in founded_feared_harms(facts) if harm.kind in LIFE_OR_FREEDOM_HARMS}
    )
    if serious_feared:
        met = True
        reasons.append(
            f"The feared {_join(serious_feared)} would be serious harm, and the fear is founded without past harm (QD art 5(2); Handbook para 45)."
        )
        sources += list(SOURCES_RISK_WITHOUT_PAST_HARM)
    continuation = continuation_reason(facts)
    if continuation:
        met = True
        reasons.append(continuation)
        sources += list(SOURCES_CONTINUATION)
    if met:
        finding = MET
    elif unclear or lesser:
        finding = UNCLEAR
    elif legitimate:
        finding = NOT_MET
    else:
        finding = UNCLEAR
        reasons.append("No harm is recorded that could be weighed.")
    return Element(finding, tuple(reasons), tuple(sources))


def _convention_ground(facts: CaseFacts, hrd: HrdScreening) -> Element:
    claim = facts.claim
    sources = [SOURCE_ART_1A2, "UNHCR Handbook paras 66-86", "QD art 10"]
    reasons: list[str] = []
    grounds = list(claim.grounds)
    if claim.opinion_imputed_by_persecutor and "political_opinion" not in grounds:
        grounds.append("political_opinion")
    if claim.opinion_imputed_by_persecutor:
        reasons.append(
            "The persecutor attributes a political opinion to the defender; that is enough whether or not they hold it (QD art 10(2); Handbook para 80)."
        )
    profiles = set(facts.defender.profiles)
    hints = []
    if "lgbti" in profiles and "particular_social_group" not in grounds:
        hints.append("particular social group (LGBTI defenders; UNHCR GIP No. 2)")
    if "indigenous" in profiles and "race" not in grounds:
        hints.append("race or ethnicity (indigenous defenders)")
    if "religious_leader" in profiles and "religion" not in grounds:
        hints.append("religion")
    if grounds:
        reasons.insert(0, f"Ground(s): {_join(grounds)}.")
        if "political_opinion" in grounds:
            reasons.append(
                "Political opinion covers any matter in which the machinery of state, government and policy may be engaged, including corruption and human rights work (Canada v Ward; QD art 10(1)(e))."
            )
            sources.append("Canada (AG) v Ward [1993] 2 SCR 689")
        if hints:
            reasons.append("Also consider: " + "; ".join(hints) + ".")
        return Element(MET, tuple(reasons), tuple(sources))
    if hrd.status == HrdStatus.DEFENDER and any(threat.linked_to_work for threat in facts.threats):
        reasons.append(
            "No ground is recorded, but the threats are linked to human rights work, which is usually political opinion, actual or imputed (Canada v Ward; QD art 10(1)(e)): a legal adviser should record the ground."
        )
    else:
        reasons.append("No Convention ground is recorded.")
    if hints:
        reasons.append("Consider: " + "; ".join(hints) + ".")
    return Element(UNCLEAR, tuple(reasons), tuple(sources))


def _persecutory_harm_linked(facts: CaseFacts) -> bool | None:
    """
    Whether the harm that makes out persecution is linked to the defender's work (rule 9): the
    serious harms when there are any, else the lesser measures that add up. ``None``: no link
    recorded either way.
    """
    serious = [threat for threat in facts.threats if threat.kind in LIFE_OR_FREEDOM_HARMS]
    weighed = serious or [t for t in facts.threats if t.kind not in LIFE_OR_FREEDOM_HARMS]
    if any(threat.linked_to_work for threat in weighed) or any(
        p.underlying_activity_protected for p in facts.prosecutions
    ):
        return True
    if serious and any(threat.linked_to_work for threat in facts.threats):
        return False
    return None


def _nexus(facts: CaseFacts, jurisdiction: str) -> Element:
    claim = facts.claim
    sources = ["QD art 9(3)", "INS v Elias-Zacarias, 502 U.S. 478 (1992)"]
    if any(p.applied_discriminatorily for p in facts.prosecutions):
        return Element(
            MET,
            (
                "The law is applied to the defender discriminatorily: discriminatory prosecution on a Convention ground shows the link (Handbook paras 56-60; QD art 9(2)(c), 9(3)).",
            ),
            (*sources, "UNHCR Handbook paras 56-60", "QD art 9(2)(c)"),
        )
    if jurisdiction == "US":
        sources.append("INA 208(b)(1)(B)(i) (at least one central reason)")
    if jurisdiction == "AU":
        sources.append("Migration Act 1958 (Cth) s 5J(4) (essential and significant reason)")
    if claim.harm_only_private_or_official_duty:
        return Element(
            NOT_MET,
            (
                "The harm is explained only by a private dispute or by acts done in official duties; harm to an official for official acts is not by itself evidence of a political motive (Matter of N-M-, 25 I&N Dec. 526 (BIA 2011); Lepetiuk, 11th Cir. 2019).",
            ),
            (
                *sources,
                "Matter of N-M-, 25 I&N Dec. 526 (BIA 2011)",
                "Lepetiuk v U.S. Att'y Gen. (11th Cir. 2019)",
            ),
        )
    motive = claim.persecutor_motive_evidence
    if motive == "direct":
        return Element(
            MET, ("There is direct evidence of the persecutor's motive.",), tuple(sources)
        )
    if motive == "circumstantial":
        reasons = [
            "The persecutor's motive rests on circumstantial evidence; mixed motives are possible (Osorio; Fedunyak)."
        ]
        if jurisdiction == "US":
            reasons.append("In the US the ground must be at least one central reason.")
        return Element(MET, tuple(reasons), tuple(sources))
    if motive == "none":
        if jurisdiction == "EU":
            return Element(
                UNCLEAR,
                (
                    "No evidence of the persecutor's motive; under QD art 9(3) the link may instead run to the absence of protection.",
                ),
                tuple(sources),
            )
        return Element(
            NOT_MET,
            (
                "There is no evidence of the persecutor's motive, and the persecutor's motive is what counts (Elias-Zacarias).",
            ),
            tuple(sources),
        )
    linked = _persecutory_harm_linked(facts)
    if linked:
        return Element(
            MET,
            (
                "The threats or prosecutions are linked to the defender's work, which is circumstantial evidence of motive; record the motive evidence.",
            ),
            tuple(sources),
        )
    if linked is False:
        return Element(
            UNCLEAR,
            (
                "Only lesser harm is linked to the defender's work; the serious harm is not. The Convention reason must attach to the harm that is persecution (art 1A(2) 'for reasons of'; QD art 9(3)).",
            ),
            (*sources, SOURCE_ART_1A2),
        )
    profile_basis = {"own_profile", "activity_abroad_known", "similarly_placed_harmed"}
    if any(profile_basis & set(harm.basis) for harm in founded_feared_harms(facts)):
        return Element(
            MET,
            (
                "The feared harm rests on the defender's profile or activity, which is circumstantial evidence that it would be for that reason; record the motive evidence.",
            ),
            (*sources, *SOURCES_RISK_WITHOUT_PAST_HARM),
        )
    return Element(
        UNCLEAR, ("Nothing recorded links the harm to a protected ground.",), tuple(sources)
    )


def _sur_place(facts: CaseFacts, jurisdiction: str) -> Element:
    sur_place = facts.claim.sur_place
    sources = ["UNHCR Handbook paras 94-96", "QD art 5"]
    after_departure = [threat for threat in facts.threats if threat.after_departure]
    in_absentia = [p for p in facts.prosecutions if p.stage == "in_absentia"]
    if not after_departure and not in_absentia and not sur_place.activities_abroad:
        return Element(
            NOT_APPLICABLE,
            ("No events after departure and no activity abroad are recorded.",),
            tuple(sources),
        )
    reasons: list[str] = []
    findings: list[Finding] = []
    if after_departure or in_absentia:
        findings.append(MET)
        reasons.append(
            f"Events at home after departure ({len(after_departure) + len(in_absentia)}) can found a well-founded fear (Handbook para 95; QD art 5(1))."
        )
    if sur_place.activities_abroad:
        known = sur_place.known_to_persecutor or facts.context.diaspora_monitored
        if sur_place.genuine is False:
            if jurisdiction == "UK":
                findings.append(MET if known else UNCLEAR)
                reasons.append(
                    "Activity abroad that is not genuine can still create a real risk in the UK if the authorities know of it and would hold it against the defender (Danian [1999] EWCA Civ 3000; XX (PJAK) Iran CG [2022] UKUT 23)."
                )
                sources.append("Danian v SSHD [1999] EWCA Civ 3000")
            elif jurisdiction == "NZ":
                findings.append(NOT_MET)
                reasons.append(
                    "New Zealand applies a good-faith limit to self-created claims (Refugee Appeal No. 2254/94; check the position under the Immigration Act 2009)."
                )
                sources.append("Refugee Appeal No. 2254/94 (NZ RSAA)")
            elif jurisdiction == "EU" and sur_place.subsequent_application:
                findings.append(NOT_MET)
                reasons.append(
                    "In a subsequent application a member state may refuse refugee status where the risk rests on circumstances created on purpose after leaving (QD art 5(3)); subsidiary protection and non-refoulement remain."
                )
            else:
                findings.append(UNCLEAR)
                reasons.append(
                    "Activity abroad recorded as not genuine: whether it was undertaken only to create a claim weighs in the assessment (QD art 4(3)(d)); the risk still depends on what the persecutor knows."
                )
        elif known:
            findings.append(MET)
            reasons.append(
                "Activity abroad is known to, or watched by, the persecutor (Handbook para 96; S.F. and Others v Sweden, ECtHR 2012)."
            )
            sources.append("S.F. and Others v Sweden (ECtHR 2012)")
            if sur_place.genuine:
                reasons.append("It continues convictions held before departure (QD art 5(2)).")
            else:
                reasons.append(
                    "Record the continuity between the work at home and abroad: it supports genuineness (QD art 5(2))."
                )
        elif sur_place.known_to_persecutor is False:
            findings.append(NOT_MET if not findings else UNCLEAR)
            reasons.append(
                "The activity abroad is not known to the persecutor, so on its own it adds no risk."
            )
        else:
            findings.append(UNCLEAR)
            reasons.append(
                "Not recorded whether the persecutor knows of the activity abroad (surveillance, informants, social media, returnee screening)."
            )
    finding = MET if MET in findings else NOT_MET if findings == [NOT_MET] else UNCLEAR
    return Element(finding, tuple(reasons), tuple(sources))


def _actor(facts: CaseFacts) -> Element:
    sources = ("QD art 6", "UNHCR Handbook para 65")
    actors = actors_of(facts)
    state = sorted(actors & STATE_ACTORS)
    other = sorted(actors - STATE_ACTORS)
    reasons = []
    if state:
        reasons.append(
            f"State actor(s): {_join(state)} (QD art 6(a)-(b)); protection is presumptively unavailable."
        )
    if other:
        reasons.append(
            f"Non-state actor(s): {_join(other)}; they count only if the state cannot or will not protect (QD art 6(c), art 7)."
        )
    if not reasons:
        return Element(UNCLEAR, ("No actor is identified.",), sources)
    return Element(MET, tuple(reasons), sources)


def _state_protection(facts: CaseFacts) -> Element:
    sources = [
        SOURCE_ART_1A2,
        "UNHCR Handbook paras 97-100",
        "QD art 7(2)",
        "Horvath v SSHD [2001] 1 AC 489",
    ]
    context = facts.context
    reasons: list[str] = []
    if state_involved(facts):
        finding = MET
        reasons.append(
            "The state (or the party controlling it) is the persecutor, or prosecutes the defender: it cannot be expected to protect them (Node 9; refugee-law notes Part 2.1)."
        )
    else:
        failures = []
        if context.national_protection_mechanism in ("none", "ineffective"):
            failures.append(
                f"the national protection mechanism for defenders is {context.national_protection_mechanism}"
            )
        if context.impunity_for_attacks_on_defenders:
            failures.append("attacks on defenders go unpunished")
        reported = [threat for threat in facts.threats if threat.reported_to_authorities]
        if any(
            threat.authority_response in ("none", "ineffective", "hostile") for threat in reported
        ):
            failures.append("complaints to the authorities produced nothing or hostility")
        if any(threat.ongoing for threat in reported):
            failures.append("threats continue despite complaints (Fedunyak; Castro)")
        if failures:
            finding = MET
            reasons.append("Protection is not effective: " + "; ".join(failures) + ".")
        elif context.national_protection_mechanism == "effective" or any(
            threat.authority_response == "effective" for threat in reported
        ):
            finding = NOT_MET
            reasons.append(
                "Effective, non-temporary protection appears available and accessible (QD art 7(2); Horvath: a system plus the willingness to operate it)."
            )
        elif past_persecution_found(facts):
            finding = MET
            reasons.append(
                "Past persecution presumes that state protection is lacking unless good reasons show otherwise, and none are recorded (QD art 4(4); 8 CFR 1208.13(b)(1))."
            )
            sources += list(SOURCES_PAST_PERSECUTION)
        else:
            finding = UNCLEAR
            reasons.append(
                "Nothing is recorded about the state's ability or willingness to protect; the state is presumed able to protect until clear evidence rebuts it (Canada v Ward)."
            )
    others = sorted(
        set(facts.defender.nationalities) - ({context.country} if context.country else set())
    )
    if context.country and others and finding == MET:
        finding = UNCLEAR
        reasons.append(
            f"Protection in the other state(s) of nationality ({', '.join(others)}) is not assessed; it must be lacking in each (art 1A(2) second paragraph; Ward)."
        )
        sources.append("Canada (AG) v Ward [1993] 2 SCR 689")
    return Element(finding, tuple(reasons), tuple(sources))


def relocation_defeaters(facts: CaseFacts) -> list[str]:
    """Every recorded reason why no internal relocation alternative is relevant or reasonable."""
    context = facts.context
    safe_area = context.safe_area
    defeaters = []
    if state_involved(facts):
        defeaters.append(
            "the persecutor is the state, so no part of the country is presumed safe (GIP No. 4 para 7)"
        )
    if context.actor_national_reach:
        defeaters.append("the persecutor can reach the defender anywhere in the country")
    if safe_area.requires_stopping_activity:
        defeaters.append(
            "being safe there would require the defender to stop or hide their work, which cannot be required (SZATV [2007] HCA 40; SA (Pakistan) [2011] UKUT 30; HJ (Iran))"
        )
    if safe_area.exists is False:
        defeaters.append("no safe area exists")
    if safe_area.accessible is False:
        defeaters.append("the safe area cannot be reached safely and legally")
    if safe_area.undue_hardship:
        defeaters.append("living there would mean undue hardship (reasonableness test)")
    return defeaters


def safe_area_shown(facts: CaseFacts) -> bool:
    """Whether a specific area is identified and shown safe, accessible and reasonable."""
    context = facts.context
    safe_area = context.safe_area
    return bool(
        safe_area.exists
        and safe_area.accessible
        and safe_area.requires_stopping_activity is False
        and safe_area.undue_hardship is False
        and context.actor_national_reach is False
    )


def _internal_relocation(facts: CaseFacts) -> Element:
    sources = ["UNHCR Handbook para 91", "UNHCR GIP No. 4 (HCR/GIP/03/04)", "QD art 8"]
    context = facts.context
    safe_area = context.safe_area
    reasons: list[str] = []
    defeaters = relocation_defeaters(facts)
    if safe_area.requires_stopping_activity:
        sources.append("SZATV v MIAC [2007] HCA 40")
        sources += list(SOURCES_CONTINUATION)
    past = past_persecution_found(facts)
    if defeaters:
        finding = MET
        reasons.append(
            "No reasonable internal relocation alternative: " + "; ".join(defeaters) + "."
        )
    elif safe_area_shown(facts):
        finding = NOT_MET
        reasons.append(
            "A safe area exists, can be reached, allows the work to continue and would not cause undue hardship: an internal relocation alternative appears available (GIP No. 4 relevance and reasonableness tests)."
        )
        if past:
            reasons.append(
                "Past persecution presumes there is no relocation alternative; an identified area shown safe, accessible and reasonable is the kind of good reason that rebuts it (QD art 4(4); 8 CFR 1208.13(b)(1)(i)(B), (b)(3)(ii))."
            )
            sources += list(SOURCES_PAST_PERSECUTION)
    else:
        finding = MET
        missing = [
            name
            for name, value in (
                ("context.safe_area.exists", safe_area.exists),
                ("context.safe_area.accessible", safe_area.accessible),
                (
                    "context.safe_area.requires_stopping_activity",
                    safe_area.requires_stopping_activity,
                ),
                ("context.safe_area.undue_hardship", safe_area.undue_hardship),
                ("context.actor_national_reach", context.actor_national_reach),
            )
            if value is None
        ]
        reasons.append(
            "Internal relocation defeats a claim only where a specific area is identified and shown to be safe, accessible and reasonable; that is not shown (not recorded: "
            + ", ".join(missing)
            + "), so it does not defeat this claim."
        )
        sources += list(SOURCES_RELOCATION_BURDEN)
        if past:
            sources += list(SOURCES_PAST_PERSECUTION)
    if {"land", "indigenous"} & set(facts.defender.profiles):
        reasons.append(
            "For a land or indigenous defender, reasonableness must weigh the loss of land, community and the purpose of the work (GIP No. 4 reasonableness factors)."
        )
    return Element(finding, tuple(reasons), tuple(sources))


def _exclusion(facts: CaseFacts) -> Element:
    indicators = set(facts.claim.exclusion_indicators)
    sources = ["1951 Convention arts 1D, 1E, 1F", "QD art 12", "UNHCR Handbook paras 140-163"]
    reasons: list[str] = []
    finding = MET
    if indicators & ONE_F:
        finding = NOT_MET
        reasons.append(
            f"Art 1F indicator(s): {_join(sorted(indicators & ONE_F))}. Exclusion needs serious reasons for considering the person responsible, assessed individually; membership of a group is not enough (CJEU B and D, C-57/09 and C-101/09; Ezokola 2013 SCC 40)."
        )
    if "un_agency_protection" in indicators:
        finding = NOT_MET
        reasons.append(
            "Art 1D: protection or assistance from a UN agency other than UNHCR; if it ceases, the person is ipso facto entitled to the Convention (QD art 12(1)(a); Bolbol C-31/09; El Kott C-364/11)."
        )
    if "rights_of_national_elsewhere" in indicators:
        finding = NOT_MET
        reasons.append(
            "Art 1E: the country of residence recognises the rights and obligations of its nationals."
        )
    if "danger_to_host_security" in indicators:
        reasons.append(
            "Danger to the host country's security is not an exclusion clause: art 33(2) may lift the Convention's bar on return and QD art 14(4)-(6) lets a member state refuse or revoke status, but the person stays a refugee (CJEU C-391/16 M and Others); a legal adviser must assess it individually."
        )
        sources += ["1951 Convention art 33(2)", "QD art 14(4)-(6)", "CJEU C-391/16 M and Others"]
    if finding == MET and "danger_to_host_security" not in indicators:
        reasons.append("No exclusion indicator is recorded.")
    if any(p.charge in ("terrorism", "extremism") for p in facts.prosecutions):
        reasons.append(
            "The state labels the defender a terrorist or extremist: screen whether the label is pretextual and whether any alleged crime is political (predominance test)."
        )
    if finding == NOT_MET:
        reasons.append(
            "Exclusion bars refugee status, but not the absolute bars on return under ECHR art 3 and CAT art 3 (Chahal v UK)."
        )
    return Element(finding, tuple(reasons), tuple(sources))


def _cessation(facts: CaseFacts) -> Element:
    indicators = facts.claim.cessation_indicators
    sources = ("1951 Convention art 1C", "QD art 11", "UNHCR Handbook paras 111-139")
    reasons: list[str] = []
    if indicators:
        reasons.append(f"Cessation indicator(s): {_join(indicators)}.")
        if "changed_circumstances" in indicators:
            reasons.append(
                "Changed circumstances end protection only if the change is fundamental and durable (art 1C(5)-(6); CJEU Abdulla C-175/08)."
            )
        finding = NOT_MET
    else:
        reasons.append("No cessation indicator is recorded.")
        finding = MET
    if facts.relocation.status == "returned":
        reasons.append(
            "A return home may be argued as re-availment of protection: record the reasons for it and the safety measures taken."
        )
    return Element(finding, tuple(reasons), sources)


def _complementary(facts: CaseFacts, risk: RiskAssessment, jurisdiction: str) -> Element:
    claim = facts.claim
    context = facts.context
    sources = [
        "QD art 15",
        "ECHR art 3",
        "CAT art 3",
        "ICCPR arts 6-7 (HRC General Comment 31 para 12)",
    ]
    sources += {
        "CA": ["IRPA s 97"],
        "AU": ["Migration Act 1958 (Cth) s 36(2)(aa)"],
        "US": ["8 C.F.R. 1208.16-18 (CAT)"],
    }.get(jurisdiction, [])
    absolute = absolute_risk_grounds(facts, risk)
    grounds: list[str] = [
        f"{ground}: an absolute bar on return (ECHR art 3; CAT art 3; ICCPR arts 6-7; QD art 15(a)-(b))"
        for ground in absolute
    ]
    if absolute:
        sources += [source for source in SOURCES_ABSOLUTE if source not in sources]
    if claim.death_penalty_risk and jurisdiction not in DEATH_PENALTY_ABOLITION_BOUND:
        grounds.append("a risk of the death penalty or execution (QD art 15(a))")
    if context.armed_conflict and context.indiscriminate_violence == "exceptional":
        grounds.append(
            "indiscriminate violence so exceptional that presence alone is a real risk (QD art 15(c); Elgafaji C-465/07)"
        )
    elif (
        context.armed_conflict
        and context.indiscriminate_violence in ("low", "high")
        and risk.level.rank >= RiskLevel.HIGH.rank
    ):
        grounds.append(
            "indiscriminate violence in armed conflict with individual risk factors on the Elgafaji sliding scale (QD art 15(c))"
        )
    if risk.level == RiskLevel.CRITICAL and any(
        threat.kind in LIFE_OR_FREEDOM_HARMS for threat in facts.threats
    ):
        grounds.append(
            "a critical risk of irreparable harm to life or person (ICCPR arts 6-7; QD art 15(b))"
        )
    reasons: list[str] = []
    if grounds:
        finding = MET
        reasons.append("Serious harm on return: " + "; ".join(grounds) + ".")
    elif risk.level.rank >= RiskLevel.HIGH.rank:
        finding = UNCLEAR
        reasons.append(
            "The risk is high: a legal adviser should assess whether the feared treatment reaches the art 3 threshold."
        )
    else:
        finding = NOT_MET
        reasons.append(
            "No real risk of serious harm in the sense of QD art 15, ECHR art 3 or CAT art 3 is recorded."
        )
    if claim.diplomatic_assurances:
        reasons.append(
            "Diplomatic assurances do not remove the risk by themselves; their quality and reliability must be assessed (Othman v UK 2012)."
        )
    if claim.exclusion_indicators:
        reasons.append(
            "QD art 17 excludes subsidiary protection on these indicators; ECHR art 3 and CAT art 3 stay absolute."
        )
    return Element(finding, tuple(reasons), tuple(sources))


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
        standard += " (No jurisdiction is recorded; UNHCR's standard is used.)"
    elements = {
        "outside_country": _outside_country(facts),
        "credibility": _credibility(facts),
        "sur_place": _sur_place(facts, jurisdiction),
        "well_founded_fear": _well_founded_fear(facts, risk, standard),
        "persecution": _persecution(facts),
        "convention_ground": _convention_ground(facts, hrd),
        "nexus": _nexus(facts, jurisdiction),
        "actor": _actor(facts),
        "state_protection": _state_protection(facts),
        "internal_relocation": _internal_relocation(facts),
        "exclusion": _exclusion(facts),
        "cessation": _cessation(facts),
        "complementary_protection": _complementary(facts, risk, jurisdiction),
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
    Combine the elements as the decision tree does (refugee-law.md, compact order), then apply the
    two guards of the rules of law: an absolute prohibition gives at least non-refoulement for a
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
            "exclusion ("
            + _join(sorted(set(claim.exclusion_indicators) - {"danger_to_host_security"}))
            + ")"
        )
    if "danger_to_host_security" in claim.exclusion_indicators:
        limits.append("danger to the host's security (art 33(2); QD art 14(4)-(6))")
    if elements["cessation"].finding == NOT_MET:
        limits.append("cessation (" + _join(claim.cessation_indicators) + ")")
    return "; ".join(limits)


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
        names = ", ".join(failing)
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
    names = ", ".join(open_)
    if absolute or complementary == MET:
        if subsidiary_excluded and absolute:
            return Outcome.NON_REFOULEMENT_ONLY, [
                messages.OPEN_EXCLUDED_BUT_ABSOLUTE(elements=names, limits=limits)
            ]
        if not subsidiary_excluded:
            return Outcome.COMPLEMENTARY_PROTECTION, [messages.OPEN_COMPLEMENTARY(elements=names)]
    return Outcome.FURTHER_EVIDENCE_NEEDED, [messages.OPEN(elements=names)]
