"""
The vocabulary every protection element shares: the questions, the standards of proof, the
sources of law, the finding record, and small readings of the facts (who acted, where home is).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes
from haven.domain.risk import STATE_ACTORS, founded_feared_harms
from haven.domain.vocabulary import (
    Finding,
    ProtectionOutcome,
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


def code_words(code: str) -> str:
    return Codes([code])


def join_codes(codes: Iterable[str]) -> str:
    return Codes(codes)


def home_countries(facts: CaseFacts) -> set[str]:
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


def state_involved(facts: CaseFacts) -> bool:
    return bool(actors_of(facts) & STATE_ACTORS)
