"""
Absolute prohibitions on return (ECHR art 3, CAT art 3, ICCPR arts 6-7): the grounds that
forbid removal whatever the person did, named by rule 1 of the rules of law.
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import gettext_noop, say
from haven.domain.protection.common import (
    DEATH_PENALTY_ABOLITION_BOUND,
    DEFAULT_JURISDICTION,
    RISK_TO_LIFE_HARMS,
    join_codes,
    state_involved,
)
from haven.domain.risk import STATE_ACTORS, RiskAssessment, founded_feared_harms
from haven.domain.vocabulary import (
    RiskLevel,
)


def absolute_risk_grounds(facts: CaseFacts, risk: RiskAssessment) -> list[str]:
    """
    Every way the facts show a real risk of torture, cruel, inhuman or degrading treatment, or
    arbitrary deprivation of life: prohibitions that no exclusion, art 33(2), QD art 17 or
    cessation clause lifts (rule 1; ECHR art 3; CAT art 3; ICCPR arts 6-7).
    """
    claim = facts.claim
    jurisdiction = claim.jurisdiction or DEFAULT_JURISDICTION
    grounds: list[str] = []
    if claim.torture_risk_by_or_with_state:
        grounds.append(
            say(
                "protection.absolute.torture_risk",
                gettext_noop(
                    "a real risk of torture by or with the acquiescence of the state is recorded"
                ),
            )
        )
    if claim.past_torture and state_involved(facts):
        grounds.append(
            say(
                "protection.absolute.past_torture",
                gettext_noop(
                    "past torture by state agents presumes a current risk of ill-treatment, which the state has not dispelled (R.C. v Sweden (2010) paras 53-55; J.K. and Others v Sweden (GC 2016); QD art 4(4))"
                ),
            )
        )
    if claim.death_penalty_risk and jurisdiction in DEATH_PENALTY_ABOLITION_BOUND:
        grounds.append(
            say(
                "protection.absolute.death_penalty",
                gettext_noop(
                    "a risk of the death penalty, to which %(jurisdiction)s may expose nobody (ECHR Protocol 13 or ICCPR Second Optional Protocol; Al-Saadoon and Mufdhi v UK)"
                ),
                jurisdiction=jurisdiction,
            )
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
                say(
                    "protection.absolute.state_risk_to_life",
                    gettext_noop(
                        "a %(level)s risk to life or of ill-treatment from the state or with its acquiescence (%(harms)s)"
                    ),
                    level=join_codes([risk.level]),
                    harms=join_codes(sorted(set(state_harms))),
                )
            )
    return grounds
