"""
Where protection could come from instead: the actors of persecution, the protection of the
home state, and an internal relocation alternative (who must show it, and when it fails).
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import Joined, gettext_noop, say
from haven.domain.protection.common import (
    MET,
    NOT_MET,
    SOURCE_ART_1A2,
    SOURCES_CONTINUATION,
    SOURCES_PAST_PERSECUTION,
    SOURCES_RELOCATION_BURDEN,
    UNCLEAR,
    Element,
    actors_of,
    code_words,
    join_codes,
    state_involved,
)
from haven.domain.protection.fear import (
    past_persecution_found,
)
from haven.domain.risk import STATE_ACTORS


def actor(facts: CaseFacts) -> Element:
    sources = ("QD art 6", "UNHCR Handbook para 65")
    actors = actors_of(facts)
    state = sorted(actors & STATE_ACTORS)
    other = sorted(actors - STATE_ACTORS)
    reasons = []
    if state:
        reasons.append(
            say(
                "protection.actor.state",
                gettext_noop(
                    "State actor(s): %(actors)s (QD art 6(a)-(b)); protection is presumptively unavailable."
                ),
                actors=join_codes(state),
            )
        )
    if other:
        reasons.append(
            say(
                "protection.actor.non_state",
                gettext_noop(
                    "Non-state actor(s): %(actors)s; they count only if the state cannot or will not protect (QD art 6(c), art 7)."
                ),
                actors=join_codes(other),
            )
        )
    if not reasons:
        return Element(
            UNCLEAR,
            (say("protection.actor.none", gettext_noop("No actor is identified.")),),
            sources,
        )
    return Element(MET, tuple(reasons), sources)


def state_protection(facts: CaseFacts) -> Element:
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
            say(
                "protection.state_protection.state_persecutor",
                gettext_noop(
                    "The state (or the party controlling it) is the persecutor, or prosecutes the defender: it cannot be expected to protect them (Node 9; refugee-law notes Part 2.1)."
                ),
            )
        )
    else:
        failures = []
        if context.national_protection_mechanism in ("none", "ineffective"):
            failures.append(
                say(
                    "protection.state_protection.mechanism",
                    gettext_noop(
                        "the national protection mechanism for defenders is %(mechanism)s"
                    ),
                    mechanism=code_words(context.national_protection_mechanism),
                )
            )
        if context.impunity_for_attacks_on_defenders:
            failures.append(
                say(
                    "protection.state_protection.impunity",
                    gettext_noop("attacks on defenders go unpunished"),
                )
            )
        reported = [threat for threat in facts.threats if threat.reported_to_authorities]
        if any(
            threat.authority_response in ("none", "ineffective", "hostile") for threat in reported
        ):
            failures.append(
                say(
                    "protection.state_protection.complaints_failed",
                    gettext_noop("complaints to the authorities produced nothing or hostility"),
                )
            )
        if any(threat.ongoing for threat in reported):
            failures.append(
                say(
                    "protection.state_protection.threats_continue",
                    gettext_noop("threats continue despite complaints (Fedunyak; Castro)"),
                )
            )
        if failures:
            finding = MET
            reasons.append(
                say(
                    "protection.state_protection.not_effective",
                    gettext_noop("Protection is not effective: %(failures)s."),
                    failures=Joined(failures),
                )
            )
        elif context.national_protection_mechanism == "effective" or any(
            threat.authority_response == "effective" for threat in reported
        ):
            finding = NOT_MET
            reasons.append(
                say(
                    "protection.state_protection.effective",
                    gettext_noop(
                        "Effective, non-temporary protection appears available and accessible (QD art 7(2); Horvath: a system plus the willingness to operate it)."
                    ),
                )
            )
        elif past_persecution_found(facts):
            finding = MET
            reasons.append(
                say(
                    "protection.state_protection.past_persecution",
                    gettext_noop(
                        "Past persecution presumes that state protection is lacking unless good reasons show otherwise, and none are recorded (QD art 4(4); 8 CFR 1208.13(b)(1))."
                    ),
                )
            )
            sources += list(SOURCES_PAST_PERSECUTION)
        else:
            finding = UNCLEAR
            reasons.append(
                say(
                    "protection.state_protection.unrecorded",
                    gettext_noop(
                        "Nothing is recorded about the state's ability or willingness to protect; the state is presumed able to protect until clear evidence rebuts it (Canada v Ward)."
                    ),
                )
            )
    others = sorted(
        set(facts.defender.nationalities) - ({context.country} if context.country else set())
    )
    if context.country and others and finding == MET:
        finding = UNCLEAR
        reasons.append(
            say(
                "protection.state_protection.other_nationalities",
                gettext_noop(
                    "Protection in the other state(s) of nationality (%(countries)s) is not assessed; it must be lacking in each (art 1A(2) second paragraph; Ward)."
                ),
                countries=", ".join(others),
            )
        )
        sources.append("Canada (AG) v Ward [1993] 2 SCR 689")
    return Element(finding, tuple(reasons), tuple(sources))


def relocation_defeaters(facts: CaseFacts) -> list[str]:
    """Every recorded reason why no internal relocation alternative is relevant or reasonable."""
    context = facts.context
    safe_area = context.safe_area
    defeaters: list[str] = []
    if state_involved(facts):
        defeaters.append(
            say(
                "protection.relocation.state_persecutor",
                gettext_noop(
                    "the persecutor is the state, so no part of the country is presumed safe (GIP No. 4 para 7)"
                ),
            )
        )
    if context.actor_national_reach:
        defeaters.append(
            say(
                "protection.relocation.national_reach",
                gettext_noop("the persecutor can reach the defender anywhere in the country"),
            )
        )
    if safe_area.requires_stopping_activity:
        defeaters.append(
            say(
                "protection.relocation.requires_stopping",
                gettext_noop(
                    "being safe there would require the defender to stop or hide their work, which cannot be required (SZATV [2007] HCA 40; SA (Pakistan) [2011] UKUT 30; HJ (Iran))"
                ),
            )
        )
    if safe_area.exists is False:
        defeaters.append(
            say("protection.relocation.no_safe_area", gettext_noop("no safe area exists"))
        )
    if safe_area.accessible is False:
        defeaters.append(
            say(
                "protection.relocation.inaccessible",
                gettext_noop("the safe area cannot be reached safely and legally"),
            )
        )
    if safe_area.undue_hardship:
        defeaters.append(
            say(
                "protection.relocation.undue_hardship",
                gettext_noop("living there would mean undue hardship (reasonableness test)"),
            )
        )
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


def internal_relocation(facts: CaseFacts) -> Element:
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
            say(
                "protection.relocation.none_reasonable",
                gettext_noop("No reasonable internal relocation alternative: %(defeaters)s."),
                defeaters=Joined(defeaters),
            )
        )
    elif safe_area_shown(facts):
        finding = NOT_MET
        reasons.append(
            say(
                "protection.relocation.available",
                gettext_noop(
                    "A safe area exists, can be reached, allows the work to continue and would not cause undue hardship: an internal relocation alternative appears available (GIP No. 4 relevance and reasonableness tests)."
                ),
            )
        )
        if past:
            reasons.append(
                say(
                    "protection.relocation.past_persecution_rebutted",
                    gettext_noop(
                        "Past persecution presumes there is no relocation alternative; an identified area shown safe, accessible and reasonable is the kind of good reason that rebuts it (QD art 4(4); 8 CFR 1208.13(b)(1)(i)(B), (b)(3)(ii))."
                    ),
                )
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
            say(
                "protection.relocation.not_shown",
                gettext_noop(
                    "Internal relocation defeats a claim only where a specific area is identified and shown to be safe, accessible and reasonable; that is not shown (not recorded: %(missing)s), so it does not defeat this claim."
                ),
                missing=", ".join(missing),
            )
        )
        sources += list(SOURCES_RELOCATION_BURDEN)
        if past:
            sources += list(SOURCES_PAST_PERSECUTION)
    if {"land", "indigenous"} & set(facts.defender.profiles):
        reasons.append(
            say(
                "protection.relocation.land_indigenous",
                gettext_noop(
                    "For a land or indigenous defender, reasonableness must weigh the loss of land, community and the purpose of the work (GIP No. 4 reasonableness factors)."
                ),
            )
        )
    return Element(finding, tuple(reasons), tuple(sources))
