"""
The first half of the refugee definition: outside the country, credibility, a well-founded
fear (with the past-persecution and continuation presumptions) and persecution, including
prosecution as persecution.
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import Joined, MessageTemplate, gettext_noop, say
from haven.domain.protection.common import (
    LIFE_OR_FREEDOM_HARMS,
    MET,
    NOT_MET,
    PENDING_STAGES,
    SOURCE_ART_1A2,
    SOURCES_CONTINUATION,
    SOURCES_PAST_PERSECUTION,
    SOURCES_RISK_WITHOUT_PAST_HARM,
    SOURCES_UNASSESSED,
    UNCLEAR,
    Element,
    code_words,
    credibility_unassessed,
    home_countries,
    join_codes,
)
from haven.domain.risk import RiskAssessment, founded_feared_harms
from haven.domain.vocabulary import (
    RiskLevel,
)


def past_persecution_found(facts: CaseFacts) -> str | None:
    """
    Why the facts show past persecution, or ``None``: an adviser's finding, or the engine's own
    when serious harm linked to the defender's work struck them before they left (rule 3).
    """
    if facts.claim.past_persecution:
        return say(
            "protection.past_persecution.adviser",
            gettext_noop("A legal adviser records past persecution."),
        )
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
        return say(
            "protection.past_persecution.engine",
            gettext_noop(
                "The engine finds past persecution: %(harms)s against the defender, linked to "
                "their work, before they left."
            ),
            harms=join_codes(serious),
        )
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
        return say(
            "protection.continuation.would_continue",
            gettext_noop(
                "The defender would continue their protected work on return, and the persecutor "
                "harms people for it: they cannot be expected to stop, hide or change it to be "
                "safe, so the fear is well founded and the harm persecutory (HJ (Iran) [2010] "
                "UKSC 31 para 82; RT (Zimbabwe) [2012] UKSC 38; Y and Z)."
            ),
        )
    if claim.would_continue_activity_on_return is False:
        return say(
            "protection.continuation.would_stop",
            gettext_noop(
                "The defender would stop their work on return; if they would stop only out of "
                "fear, being safe only by stopping is itself persecution (HJ (Iran) [2010] UKSC "
                "31 para 82; RT (Zimbabwe) [2012] UKSC 38). Record any other reason they would "
                "stop."
            ),
        )
    return None


def outside_country(facts: CaseFacts) -> Element:
    sources: tuple[str, ...] = (SOURCE_ART_1A2, "UNHCR Handbook paras 87-93")
    home = home_countries(facts)
    current = facts.defender.current_country
    if current is None or not home:
        missing = "defender.current_country" if current is None else "defender.nationalities"
        return Element(
            UNCLEAR,
            (
                say(
                    "protection.outside_country.unknown",
                    gettext_noop(
                        "Not known where the defender is, or of which country they are a "
                        "national (%(missing)s)."
                    ),
                    missing=missing,
                ),
            ),
            sources,
        )
    if current in home:
        return Element(
            NOT_MET,
            (
                say(
                    "protection.outside_country.at_home",
                    gettext_noop(
                        "The defender is in %(country)s, their own country. The refugee "
                        "definition applies only outside it: look at in-country protection, "
                        "internal or regional relocation, or a relocation programme."
                    ),
                    country=current,
                ),
            ),
            sources,
        )
    reasons: list[str] = [
        say(
            "protection.outside_country.outside",
            gettext_noop("The defender is in %(country)s, outside %(home)s."),
            country=current,
            home=", ".join(sorted(home)),
        )
    ]
    if facts.relocation.status == "in_relocation":
        reasons.append(
            say(
                "protection.outside_country.lawful_departure",
                gettext_noop(
                    "Leaving lawfully on a relocation programme visa does not matter (Handbook "
                    "paras 94-96)."
                ),
            )
        )
    if len(facts.defender.nationalities) > 1:
        reasons.append(
            say(
                "protection.outside_country.several_nationalities",
                gettext_noop(
                    "They hold several nationalities: protection must be lacking in every one "
                    "of them (art 1A(2) second paragraph; Handbook paras 106-107; Canada v Ward)."
                ),
            )
        )
        sources = (*sources, "Canada (AG) v Ward [1993] 2 SCR 689")
    return Element(MET, tuple(reasons), sources)


def credibility(facts: CaseFacts) -> Element:
    sources = ("UNHCR Handbook paras 195-205", "QD art 4(3) and 4(5)")
    claim = facts.claim
    if claim.credibility == "rejected":
        return Element(
            NOT_MET,
            (
                say(
                    "protection.credibility.rejected",
                    gettext_noop(
                        "A legal adviser has rejected the core account. Check whether risk "
                        "arises from accepted facts alone (profile, activity abroad)."
                    ),
                ),
            ),
            sources,
        )
    if claim.evidence == "insufficient":
        return Element(
            NOT_MET,
            (
                say(
                    "protection.credibility.insufficient",
                    gettext_noop(
                        "The evidence is recorded as insufficient. Threat logs, complaints to the "
                        "police, letters from defender networks and UN communications can fill "
                        "the gap."
                    ),
                ),
            ),
            sources,
        )
    if claim.credibility in ("accepted", "partly_accepted"):
        reasons: list[str] = [
            say(
                "protection.credibility.accepted",
                gettext_noop("A legal adviser has accepted the account."),
            )
            if claim.credibility == "accepted"
            else say(
                "protection.credibility.partly_accepted",
                gettext_noop(
                    "The account is partly accepted: the assessment rests on the accepted facts."
                ),
            )
        ]
        if claim.evidence != "sufficient":
            reasons.append(
                say(
                    "protection.credibility.evidence_unassessed",
                    gettext_noop("The sufficiency of the evidence is not yet assessed."),
                )
            )
        return Element(MET, tuple(reasons), sources)
    return Element(
        UNCLEAR,
        (
            say(
                "protection.credibility.unassessed",
                gettext_noop(
                    "Credibility is not yet assessed: the engine takes the facts as recorded, "
                    "which is a caution, not a bar; the benefit of the doubt applies where the "
                    "account is generally credible."
                ),
            ),
        ),
        sources,
    )


def well_founded_fear(facts: CaseFacts, risk: RiskAssessment, standard: str) -> Element:
    claim = facts.claim
    sources: tuple[str, ...] = (
        "UNHCR Handbook paras 37-50",
        "QD art 4(4)",
        standard.split(":")[0] + " standard of proof",
    )
    reasons: list[str] = [
        say(
            "protection.fear.risk_rating",
            gettext_noop("The engine rates the risk %(level)s (score %(score)s)."),
            level=code_words(risk.level),
            score=f"{risk.score:.1f}",
        )
    ]
    grave_or_direct = any(
        threat.kind in LIFE_OR_FREEDOM_HARMS and threat.directed_at in (None, "defender")
        for threat in facts.threats
    )
    past = past_persecution_found(facts)
    continuation = continuation_reason(facts)
    founded = founded_feared_harms(facts)
    persecutory, _, _ = prosecution_is_persecution(facts)
    pending = [
        prosecution for prosecution in facts.prosecutions if prosecution.stage in PENDING_STAGES
    ]
    if past:
        objective = MET
        reasons.append(
            say(
                "protection.fear.past_persecution",
                gettext_noop(
                    "%(past)s Past persecution presumes a well-founded fear unless good reasons "
                    "show it will not recur (QD art 4(4); 8 CFR 1208.13(b)(1))."
                ),
                past=past,
            )
        )
        sources = (*sources, *SOURCES_PAST_PERSECUTION)
    elif continuation and claim.would_continue_activity_on_return:
        objective = MET
        reasons.append(continuation)
        sources = (*sources, *SOURCES_CONTINUATION)
    elif founded:
        objective = MET
        reasons.append(
            say(
                "protection.fear.without_past_harm",
                gettext_noop(
                    "No past harm is needed: %(harms)s is feared from an actor who knows, or will "
                    "probably learn, of the defender and harms people placed like them (Handbook "
                    "paras 43, 45; QD art 5(2))."
                ),
                harms=Joined(
                    (
                        say(
                            "protection.fear.harm_by_actor",
                            gettext_noop("%(harm)s by %(actor)s"),
                            harm=code_words(harm.kind),
                            actor=code_words(harm.actor),
                        )
                        if harm.actor
                        else code_words(harm.kind)
                    )
                    for harm in founded
                ),
            )
        )
        sources = (*sources, *SOURCES_RISK_WITHOUT_PAST_HARM)
    elif persecutory and pending:
        objective = MET
        reasons.append(
            say(
                "protection.fear.persecutory_prosecution",
                gettext_noop(
                    "A pending prosecution that is persecutory supports a well-founded fear "
                    "(Handbook paras 56-60; QD art 9(2)(b)-(d))."
                ),
            )
        )
        sources = (*sources, "UNHCR Handbook paras 56-60", "QD art 9(2)(b)-(d)")
    elif risk.level.rank >= RiskLevel.HIGH.rank:
        objective = MET
        reasons.append(
            say(
                "protection.fear.high_risk",
                gettext_noop(
                    "A high or critical risk is at least a reasonable possibility of serious harm."
                ),
            )
        )
    elif risk.level == RiskLevel.MEDIUM:
        if facts.context.similarly_placed_harmed or grave_or_direct:
            objective = MET
            reasons.append(
                say(
                    "protection.fear.medium_risk_met",
                    gettext_noop(
                        "A medium risk with direct threats to life or liberty, or harm to "
                        "similarly placed defenders, reaches the low forward-looking threshold "
                        "(Handbook paras 43-45)."
                    ),
                )
            )
        else:
            objective = UNCLEAR
            reasons.append(
                say(
                    "protection.fear.medium_risk_open",
                    gettext_noop(
                        "A medium risk may or may not reach the threshold: record the treatment "
                        "of similarly placed defenders and what the persecutor knows."
                    ),
                )
            )
    elif not facts.threats and not facts.prosecutions:
        objective = UNCLEAR
        reasons.append(
            say(
                "protection.fear.nothing_recorded",
                gettext_noop(
                    "No threats or prosecutions are recorded: the facts are too thin to judge."
                ),
            )
        )
    elif (
        facts.context.country is None
        and facts.context.civic_space is None
        and claim.credibility is None
    ):
        objective = UNCLEAR
        reasons.append(
            say(
                "protection.fear.low_thin_facts",
                gettext_noop(
                    "The risk scores low, but neither the country context nor a credibility "
                    "finding is recorded: the facts are too thin to rule out a well-founded fear."
                ),
            )
        )
    elif credibility_unassessed(facts):
        objective = UNCLEAR
        reasons.append(
            say(
                "protection.fear.low_unassessed",
                gettext_noop(
                    "The risk scores low, but credibility and evidence are not yet assessed: no "
                    "firm answer before the facts are established (Handbook paras 195-196, "
                    "203-205)."
                ),
            )
        )
        sources = (*sources, *SOURCES_UNASSESSED)
    else:
        objective = NOT_MET
        reasons.append(
            say(
                "protection.fear.low",
                gettext_noop(
                    "On the recorded facts the risk is low, below a reasonable possibility of "
                    "serious harm."
                ),
            )
        )
    if claim.subjective_fear is False:
        reasons.append(
            say(
                "protection.fear.no_subjective_fear",
                gettext_noop(
                    "The defender is not recorded as fearing return; the Handbook treats fear as "
                    "subjective and objective (paras 37-41), so this needs a closer look."
                ),
            )
        )
        finding = UNCLEAR if objective == MET else objective
    else:
        if claim.subjective_fear is None:
            reasons.append(
                say(
                    "protection.fear.own_fear_unrecorded",
                    gettext_noop("The defender's own fear is not recorded."),
                )
            )
        finding = objective
    return Element(finding, tuple(reasons), sources)


#: What makes a prosecution persecution (UNHCR Handbook paras 56-60): the prosecution's fact, the
#: answer that is a sign, and the sign in words, in the order the reason lists them.
PERSECUTION_SIGNS: tuple[tuple[str, bool, MessageTemplate], ...] = (
    (
        "underlying_activity_protected",
        True,
        MessageTemplate(
            "protection.prosecution.protected_activity",
            gettext_noop("punishes protected peaceful activity"),
        ),
    ),
    (
        "law_meets_rights_standards",
        False,
        MessageTemplate(
            "protection.prosecution.law_breaches_rights",
            gettext_noop("the law breaches human rights standards"),
        ),
    ),
    (
        "applied_discriminatorily",
        True,
        MessageTemplate(
            "protection.prosecution.discriminatory", gettext_noop("it is applied discriminatorily")
        ),
    ),
    (
        "penalty_disproportionate",
        True,
        MessageTemplate(
            "protection.prosecution.disproportionate",
            gettext_noop("the penalty is disproportionate"),
        ),
    ),
    (
        "fair_trial_available",
        False,
        MessageTemplate(
            "protection.prosecution.no_fair_trial", gettext_noop("no fair trial is available")
        ),
    ),
)
#: When no one has said whether a fair trial is available, a conviction in absentia is the sign.
IN_ABSENTIA_SIGN = MessageTemplate(
    "protection.prosecution.in_absentia",
    gettext_noop(
        "a conviction in absentia without a guaranteed retrial fails the "
        "fair-trial test (Sejdovic v Italy (GC 2006); Othman (Abu Qatada) v UK "
        "(2012))"
    ),
)


def prosecution_is_persecution(facts: CaseFacts) -> tuple[list[str], list[str], list[str]]:
    """Split prosecutions into persecutory, legitimate and unclear ones (Handbook paras 56-60)."""
    persecutory: list[str] = []
    legitimate: list[str] = []
    unclear: list[str] = []
    for prosecution in facts.prosecutions:
        label = say(
            "protection.prosecution.label",
            gettext_noop("the %(charge)s prosecution"),
            charge=code_words(prosecution.charge or "unspecified"),
        )
        signs: list[str] = [
            sign()
            for fact, answer, sign in PERSECUTION_SIGNS
            if getattr(prosecution, fact) is answer
        ]
        if prosecution.fair_trial_available is None and prosecution.stage == "in_absentia":
            signs.append(IN_ABSENTIA_SIGN())
        if signs:
            persecutory.append(
                say(
                    "protection.prosecution.signs",
                    gettext_noop("%(prosecution)s: %(signs)s"),
                    prosecution=label,
                    signs=Joined(signs, ", "),
                )
            )
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


def persecution(facts: CaseFacts) -> Element:
    sources = ["UNHCR Handbook paras 51-65", "QD art 9(1)-(2)"]
    reasons: list[str] = []
    serious = sorted(
        {threat.kind for threat in facts.threats if threat.kind in LIFE_OR_FREEDOM_HARMS}
    )
    lesser = [threat for threat in facts.threats if threat.kind not in LIFE_OR_FREEDOM_HARMS]
    persecutory, legitimate, unclear = prosecution_is_persecution(facts)
    met = False
    if serious:
        met = True
        reasons.append(
            say(
                "protection.persecution.serious",
                gettext_noop(
                    "Threats to life or freedom (%(harms)s) are always persecution when on a "
                    "Convention ground (Handbook para 51; QD art 9(2)(a))."
                ),
                harms=join_codes(serious),
            )
        )
    if persecutory:
        met = True
        reasons.append(
            say(
                "protection.persecution.prosecution",
                gettext_noop(
                    "Prosecution as persecution: %(prosecutions)s (Handbook paras 56-60; QD art "
                    "9(2)(b)-(d))."
                ),
                prosecutions=Joined(persecutory),
            )
        )
    if legitimate:
        reasons.append(
            say(
                "protection.persecution.legitimate",
                gettext_noop(
                    "Legitimate prosecution is not persecution: %(prosecutions)s (Handbook para 56)."
                ),
                prosecutions=Joined(legitimate, ", "),
            )
        )
    if unclear:
        reasons.append(
            say(
                "protection.persecution.prosecution_unclear",
                gettext_noop(
                    "Not enough is recorded to tell prosecution from persecution for "
                    "%(prosecutions)s: compare the charge with the underlying activity, the "
                    "fairness of the trial and the likely sentence."
                ),
                prosecutions=Joined(unclear, ", "),
            )
        )
    if len(lesser) >= 3:
        met = True
        reasons.append(
            say(
                "protection.persecution.cumulative",
                gettext_noop(
                    "%(count)s lesser measures (%(harms)s) add up to persecution on cumulative "
                    "grounds (Handbook paras 53-55; QD art 9(1)(b))."
                ),
                count=str(len(lesser)),
                harms=join_codes(sorted({threat.kind for threat in lesser})),
            )
        )
    elif lesser:
        reasons.append(
            say(
                "protection.persecution.lesser",
                gettext_noop(
                    "Lesser measures (%(harms)s) may add up with others; on their own they may "
                    "fall below the threshold (Handbook paras 53-55)."
                ),
                harms=join_codes(sorted({threat.kind for threat in lesser})),
            )
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
            say(
                "protection.persecution.feared_serious",
                gettext_noop(
                    "The feared %(harms)s would be serious harm, and the fear is founded without "
                    "past harm (QD art 5(2); Handbook para 45)."
                ),
                harms=join_codes(serious_feared),
            )
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
        reasons.append(
            say(
                "protection.persecution.nothing",
                gettext_noop("No harm is recorded that could be weighed."),
            )
        )
    return Element(finding, tuple(reasons), tuple(sources))
