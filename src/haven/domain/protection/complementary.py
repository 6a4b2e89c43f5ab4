"""
Complementary protection (QD art 15, ECHR art 3, CAT art 3, ICCPR arts 6-7) for those the
refugee definition does not reach.
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import Joined, gettext_noop, say
from haven.domain.protection.absolute import absolute_risk_grounds
from haven.domain.protection.common import (
    DEATH_PENALTY_ABOLITION_BOUND,
    LIFE_OR_FREEDOM_HARMS,
    MET,
    NOT_MET,
    SOURCES_ABSOLUTE,
    UNCLEAR,
    Element,
)
from haven.domain.risk import RiskAssessment
from haven.domain.vocabulary import (
    RiskLevel,
)


def complementary(facts: CaseFacts, risk: RiskAssessment, jurisdiction: str) -> Element:
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
        say(
            "protection.complementary.absolute_ground",
            gettext_noop(
                "%(ground)s: an absolute bar on return (ECHR art 3; CAT art 3; ICCPR arts 6-7; QD art 15(a)-(b))"
            ),
            ground=ground,
        )
        for ground in absolute
    ]
    if absolute:
        sources += [source for source in SOURCES_ABSOLUTE if source not in sources]
    if claim.death_penalty_risk and jurisdiction not in DEATH_PENALTY_ABOLITION_BOUND:
        grounds.append(
            say(
                "protection.complementary.death_penalty",
                gettext_noop("a risk of the death penalty or execution (QD art 15(a))"),
            )
        )
    if context.armed_conflict and context.indiscriminate_violence == "exceptional":
        grounds.append(
            say(
                "protection.complementary.exceptional_violence",
                gettext_noop(
                    "indiscriminate violence so exceptional that presence alone is a real risk (QD art 15(c); Elgafaji C-465/07)"
                ),
            )
        )
    elif (
        context.armed_conflict
        and context.indiscriminate_violence in ("low", "high")
        and risk.level.rank >= RiskLevel.HIGH.rank
    ):
        grounds.append(
            say(
                "protection.complementary.sliding_scale",
                gettext_noop(
                    "indiscriminate violence in armed conflict with individual risk factors on the Elgafaji sliding scale (QD art 15(c))"
                ),
            )
        )
    if risk.level == RiskLevel.CRITICAL and any(
        threat.kind in LIFE_OR_FREEDOM_HARMS for threat in facts.threats
    ):
        grounds.append(
            say(
                "protection.complementary.critical",
                gettext_noop(
                    "a critical risk of irreparable harm to life or person (ICCPR arts 6-7; QD art 15(b))"
                ),
            )
        )
    reasons: list[str] = []
    if grounds:
        finding = MET
        reasons.append(
            say(
                "protection.complementary.serious_harm",
                gettext_noop("Serious harm on return: %(grounds)s."),
                grounds=Joined(grounds),
            )
        )
    elif risk.level.rank >= RiskLevel.HIGH.rank:
        finding = UNCLEAR
        reasons.append(
            say(
                "protection.complementary.high_risk_open",
                gettext_noop(
                    "The risk is high: a legal adviser should assess whether the feared treatment reaches the art 3 threshold."
                ),
            )
        )
    else:
        finding = NOT_MET
        reasons.append(
            say(
                "protection.complementary.none",
                gettext_noop(
                    "No real risk of serious harm in the sense of QD art 15, ECHR art 3 or CAT art 3 is recorded."
                ),
            )
        )
    if claim.diplomatic_assurances:
        reasons.append(
            say(
                "protection.complementary.diplomatic_assurances",
                gettext_noop(
                    "Diplomatic assurances do not remove the risk by themselves; their quality and reliability must be assessed (Othman v UK 2012)."
                ),
            )
        )
    if claim.exclusion_indicators:
        reasons.append(
            say(
                "protection.complementary.art_17",
                gettext_noop(
                    "QD art 17 excludes subsidiary protection on these indicators; ECHR art 3 and CAT art 3 stay absolute."
                ),
            )
        )
    return Element(finding, tuple(reasons), tuple(sources))
