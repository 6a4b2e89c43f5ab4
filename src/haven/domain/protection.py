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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.hrd import HrdScreening
from haven.domain.risk import STATE_ACTORS, RiskAssessment
from haven.domain.vocabulary import (
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
    """Every known actor behind the threats, with the judiciary for each prosecution."""
    actors = {
        threat.actor for threat in facts.threats if threat.actor and threat.actor != "unknown"
    }
    if facts.prosecutions:
        actors.add("judiciary")
    return actors


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
    sources = (
        "UNHCR Handbook paras 37-50",
        "QD art 4(4)",
        standard.split(":")[0] + " standard of proof",
    )
    reasons = [f"The engine rates the risk {risk.level} (score {risk.score:.1f})."]
    grave_or_direct = any(
        threat.kind in LIFE_OR_FREEDOM_HARMS and threat.directed_at in (None, "defender")
        for threat in facts.threats
    )
    if claim.past_persecution:
        objective = MET
        reasons.append(
            "Past persecution is a serious indication of future risk unless there are good reasons to think it will not recur (QD art 4(4); 8 C.F.R. 1208.13(b))."
        )
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
    if facts.claim.past_persecution:
        met = True
        reasons.append("A legal adviser records past persecution.")
    continue_work = facts.claim.would_continue_activity_on_return
    if continue_work is False:
        reasons.append(
            "If the defender would stop their work only out of fear, the fear is still well-founded: nobody can be required to give up protected activity to be safe (HJ (Iran) [2010] UKSC 31; RT (Zimbabwe) [2012] UKSC 38)."
        )
        sources.append("HJ (Iran) [2010] UKSC 31; RT (Zimbabwe) [2012] UKSC 38")
    elif continue_work:
        reasons.append(
            "The defender would continue the work on return, and cannot be expected to stop it (HJ (Iran); Appellant S395/2002)."
        )
        sources.append("HJ (Iran) [2010] UKSC 31; Appellant S395/2002 (2003) 216 CLR 473")
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


def _nexus(facts: CaseFacts, jurisdiction: str) -> Element:
    claim = facts.claim
    sources = ["QD art 9(3)", "INS v Elias-Zacarias, 502 U.S. 478 (1992)"]
    if jurisdiction == "US":
        sources.append("INA 208(b)(1)(B)(i) (at least one central reason)")
    if jurisdiction == "AU":
        sources.append("Migration Act 1958 (Cth) s 5J(4) (essential and significant reason)")
    if claim.harm_only_private_or_official_duty:
        return Element(
            NOT_MET,
            (
                "The harm is explained only by a private dispute or official duties, with no sign of a protected motive (Lepetiuk, 11th Cir. 2019).",
            ),
            (*sources, "Lepetiuk v U.S. Att'y Gen. (11th Cir. 2019)"),
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
    linked = any(threat.linked_to_work for threat in facts.threats) or any(
        p.underlying_activity_protected for p in facts.prosecutions
    )
    if linked:
        return Element(
            MET,
            (
                "The threats or prosecutions are linked to the defender's work, which is circumstantial evidence of motive; record the motive evidence.",
            ),
            tuple(sources),
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


def _internal_relocation(facts: CaseFacts) -> Element:
    sources = ["UNHCR Handbook para 91", "UNHCR GIP No. 4 (HCR/GIP/03/04)", "QD art 8"]
    context = facts.context
    safe_area = context.safe_area
    reasons: list[str] = []
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
        sources.append("SZATV v MIAC [2007] HCA 40")
    if safe_area.exists is False:
        defeaters.append("no safe area exists")
    if safe_area.accessible is False:
        defeaters.append("the safe area cannot be reached safely and legally")
    if safe_area.undue_hardship:
        defeaters.append("living there would mean undue hardship (reasonableness test)")
    if defeaters:
        finding = MET
        reasons.append(
            "No reasonable internal relocation alternative: " + "; ".join(defeaters) + "."
        )
    elif (
        safe_area.exists
        and safe_area.accessible
        and safe_area.requires_stopping_activity is False
        and safe_area.undue_hardship is False
        and context.actor_national_reach is False
    ):
        finding = NOT_MET
        reasons.append(
            "A safe area exists, can be reached, allows the work to continue and would not cause undue hardship: an internal relocation alternative appears available (GIP No. 4 relevance and reasonableness tests)."
        )
    else:
        finding = UNCLEAR
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
            "The relevance and reasonableness tests cannot be completed; not recorded: "
            + ", ".join(missing)
            + "."
        )
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
        if finding == MET:
            finding = UNCLEAR
        reasons.append(
            "Danger to the host country's security is not a 1F clause, but art 33(2) may lift the Convention's bar on return and QD art 14(4)-(5) lets a member state refuse or revoke status: a legal adviser must assess it individually."
        )
        sources.append("1951 Convention art 33(2)")
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
    grounds: list[str] = []
    if claim.torture_risk_by_or_with_state:
        grounds.append(
            "a real risk of torture by or with the acquiescence of the state: ECHR art 3 and CAT art 3 forbid return absolutely (Chahal; Saadi v Italy), and QD art 15(b) applies"
        )
    if claim.death_penalty_risk:
        grounds.append("a risk of the death penalty or execution (QD art 15(a))")
    if claim.past_torture and state_involved(facts) and risk.level.rank >= RiskLevel.HIGH.rank:
        grounds.append(
            "past torture by state agents with a high risk now is a serious indication of a real risk of ill-treatment (QD art 4(4), art 15(b))"
        )
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
    outcome, reasons = _outcome(facts, elements)
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
    facts: CaseFacts, elements: Mapping[str, Element]
) -> tuple[ProtectionOutcome, list[str]]:
    """Combine the elements as the decision tree does (refugee-law.md, compact order)."""
    claim = facts.claim
    if elements["outside_country"].finding == NOT_MET:
        return Outcome.NOT_APPLICABLE, [
            "The defender is in their own country: international protection does not arise yet."
        ]
    absolute = bool(claim.torture_risk_by_or_with_state)
    complementary = elements["complementary_protection"].finding
    subsidiary_excluded = bool(claim.exclusion_indicators)
    failing = [name for name in INCLUSION if elements[name].finding == NOT_MET]
    open_ = [name for name in INCLUSION if elements[name].finding == UNCLEAR]
    pre_departure_basis = any(not threat.after_departure for threat in facts.threats) or any(
        p.stage != "in_absentia" for p in facts.prosecutions
    )
    if elements["sur_place"].finding == NOT_MET and not pre_departure_basis:
        failing.append("sur_place")
    excluded = elements["exclusion"].finding == NOT_MET
    ceased = elements["cessation"].finding == NOT_MET
    danger = "danger_to_host_security" in claim.exclusion_indicators

    if elements["credibility"].finding == NOT_MET:
        if absolute:
            return Outcome.NON_REFOULEMENT_ONLY, [
                "Credibility is rejected or the evidence is insufficient, but a real risk of torture is recorded: return is barred absolutely (ECHR art 3; CAT art 3) while the facts are revisited."
            ]
        return Outcome.FURTHER_EVIDENCE_NEEDED, [
            "Credibility is rejected or the evidence is insufficient: the claim needs further evidence before protection can be shown."
        ]
    if excluded or ceased:
        why = "excluded" if excluded else "a cessation clause applies"
        if absolute:
            return Outcome.NON_REFOULEMENT_ONLY, [
                f"Refugee status is barred ({why}), but a real risk of torture makes return unlawful (ECHR art 3; CAT art 3; Chahal)."
            ]
        if complementary == MET and not subsidiary_excluded:
            return Outcome.COMPLEMENTARY_PROTECTION, [
                f"Refugee status is barred ({why}); subsidiary or complementary protection is indicated."
            ]
        return Outcome.NO_PROTECTION_NEED_SHOWN, [
            f"Refugee status is barred ({why}) and no absolute bar on return is recorded; an individual assessment must confirm the exclusion or cessation first."
        ]
    if not failing and not open_:
        if danger:
            if absolute:
                return Outcome.NON_REFOULEMENT_ONLY, [
                    "The refugee definition is met, but art 33(2) may lift the Convention's bar on return; the real risk of torture keeps return barred (ECHR art 3; CAT art 3)."
                ]
            return Outcome.FURTHER_EVIDENCE_NEEDED, [
                "The refugee definition is met, but the recorded danger to host security (art 33(2); QD art 14(4)-(5)) needs an individual legal assessment."
            ]
        reasons = [
            "Every inclusion element is met and no exclusion or cessation clause applies: the facts as recorded describe a refugee (status is declaratory, Handbook para 28)."
        ]
        if elements["credibility"].finding == UNCLEAR:
            reasons.append("Caution: credibility is not yet assessed.")
        return Outcome.REFUGEE, reasons
    if failing:
        names = ", ".join(failing)
        if complementary == MET or absolute:
            if subsidiary_excluded:
                if absolute:
                    return Outcome.NON_REFOULEMENT_ONLY, [
                        f"Refugee status fails ({names}); subsidiary protection is excluded (QD art 17), but ECHR art 3 and CAT art 3 bar return."
                    ]
                return Outcome.NO_PROTECTION_NEED_SHOWN, [
                    f"Refugee status fails ({names}) and subsidiary protection is excluded (QD art 17)."
                ]
            return Outcome.COMPLEMENTARY_PROTECTION, [
                f"Refugee status fails ({names}), but a real risk of serious harm calls for complementary protection."
            ]
        if complementary == UNCLEAR:
            return Outcome.FURTHER_EVIDENCE_NEEDED, [
                f"Refugee status fails ({names}); whether complementary protection applies needs further evidence."
            ]
        return Outcome.NO_PROTECTION_NEED_SHOWN, [
            f"Refugee status fails ({names}) and no real risk of serious harm is shown."
        ]
    names = ", ".join(open_)
    if absolute or complementary == MET:
        if subsidiary_excluded and absolute:
            return Outcome.NON_REFOULEMENT_ONLY, [
                f"Refugee status is open ({names}); subsidiary protection is excluded, but ECHR art 3 and CAT art 3 bar return."
            ]
        if not subsidiary_excluded:
            return Outcome.COMPLEMENTARY_PROTECTION, [
                f"At least complementary protection: a real risk of serious harm is shown, while refugee status stays open ({names})."
            ]
    return Outcome.FURTHER_EVIDENCE_NEEDED, [
        f"Refugee status cannot yet be shown: not settled on the facts recorded: {names}."
    ]
