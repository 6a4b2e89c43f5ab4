"""
Why the harm is feared: the Convention ground (actual or imputed), the nexus between ground
and harm, and claims that arose sur place.
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.hrd import HrdScreening
from haven.domain.messages import Joined, MessageTemplate, gettext_noop, say
from haven.domain.protection.common import (
    LIFE_OR_FREEDOM_HARMS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    SOURCE_ART_1A2,
    SOURCES_RISK_WITHOUT_PAST_HARM,
    UNCLEAR,
    Element,
    join_codes,
)
from haven.domain.risk import founded_feared_harms
from haven.domain.vocabulary import (
    Finding,
    HrdStatus,
)

#: Grounds a defender's profile points to when the claim does not record them yet: the profile,
#: the ground, and the hint (UNHCR Guidelines on International Protection No. 2 on particular
#: social groups; race in its widest sense covers ethnic groups, Handbook para 68; religion,
#: Handbook paras 71-73).
GROUND_HINTS: tuple[tuple[str, str, MessageTemplate], ...] = (
    (
        "lgbti",
        "particular_social_group",
        MessageTemplate(
            "protection.ground.hint_lgbti",
            gettext_noop("particular social group (LGBTI defenders; UNHCR GIP No. 2)"),
        ),
    ),
    (
        "indigenous",
        "race",
        MessageTemplate(
            "protection.ground.hint_indigenous",
            gettext_noop("race or ethnicity (indigenous defenders)"),
        ),
    ),
    (
        "religious_leader",
        "religion",
        MessageTemplate("protection.ground.hint_religion", gettext_noop("religion")),
    ),
)
#: The hints close the reasons: as further grounds beside those recorded, or as the grounds to
#: consider when none is.
ALSO_CONSIDER = MessageTemplate(
    "protection.ground.also_consider", gettext_noop("Also consider: %(hints)s.")
)
CONSIDER = MessageTemplate("protection.ground.consider", gettext_noop("Consider: %(hints)s."))


def convention_ground(facts: CaseFacts, hrd: HrdScreening) -> Element:
    claim = facts.claim
    sources = [SOURCE_ART_1A2, "UNHCR Handbook paras 66-86", "QD art 10"]
    reasons: list[str] = []
    grounds = list(claim.grounds)
    if claim.opinion_imputed_by_persecutor and "political_opinion" not in grounds:
        grounds.append("political_opinion")
    if claim.opinion_imputed_by_persecutor:
        reasons.append(
            say(
                "protection.ground.imputed",
                gettext_noop(
                    "The persecutor attributes a political opinion to the defender; that is enough whether or not they hold it (QD art 10(2); Handbook para 80)."
                ),
            )
        )
    profiles = set(facts.defender.profiles)
    hints = [
        hint()
        for profile, ground, hint in GROUND_HINTS
        if profile in profiles and ground not in grounds
    ]
    if grounds:
        reasons.insert(
            0,
            say(
                "protection.ground.grounds",
                gettext_noop("Ground(s): %(grounds)s."),
                grounds=join_codes(grounds),
            ),
        )
        if "political_opinion" in grounds:
            reasons.append(
                say(
                    "protection.ground.political_opinion",
                    gettext_noop(
                        "Political opinion covers any matter in which the machinery of state, government and policy may be engaged, including corruption and human rights work (Canada v Ward; QD art 10(1)(e))."
                    ),
                )
            )
            sources.append("Canada (AG) v Ward [1993] 2 SCR 689")
        finding, consider = MET, ALSO_CONSIDER
    else:
        finding, consider = UNCLEAR, CONSIDER
        if hrd.status == HrdStatus.DEFENDER and any(t.linked_to_work for t in facts.threats):
            reasons.append(
                say(
                    "protection.ground.linked_to_work",
                    gettext_noop(
                        "No ground is recorded, but the threats are linked to human rights work, which is usually political opinion, actual or imputed (Canada v Ward; QD art 10(1)(e)): a legal adviser should record the ground."
                    ),
                )
            )
        else:
            reasons.append(
                say("protection.ground.none", gettext_noop("No Convention ground is recorded."))
            )
    if hints:
        reasons.append(consider(hints=Joined(hints)))
    return Element(finding, tuple(reasons), tuple(sources))


def persecutory_harm_linked(facts: CaseFacts) -> bool | None:
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


def nexus(facts: CaseFacts, jurisdiction: str) -> Element:
    claim = facts.claim
    sources = ["QD art 9(3)", "INS v Elias-Zacarias, 502 U.S. 478 (1992)"]
    if any(p.applied_discriminatorily for p in facts.prosecutions):
        return Element(
            MET,
            (
                say(
                    "protection.nexus.discriminatory",
                    gettext_noop(
                        "The law is applied to the defender discriminatorily: discriminatory prosecution on a Convention ground shows the link (Handbook paras 56-60; QD art 9(2)(c), 9(3))."
                    ),
                ),
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
                say(
                    "protection.nexus.private_or_official",
                    gettext_noop(
                        "The harm is explained only by a private dispute or by acts done in official duties; harm to an official for official acts is not by itself evidence of a political motive (Matter of N-M-, 25 I&N Dec. 526 (BIA 2011); Lepetiuk, 11th Cir. 2019)."
                    ),
                ),
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
            MET,
            (
                say(
                    "protection.nexus.direct",
                    gettext_noop("There is direct evidence of the persecutor's motive."),
                ),
            ),
            tuple(sources),
        )
    if motive == "circumstantial":
        reasons = [
            say(
                "protection.nexus.circumstantial",
                gettext_noop(
                    "The persecutor's motive rests on circumstantial evidence; mixed motives are possible (Osorio; Fedunyak)."
                ),
            )
        ]
        if jurisdiction == "US":
            reasons.append(
                say(
                    "protection.nexus.us_central_reason",
                    gettext_noop("In the US the ground must be at least one central reason."),
                )
            )
        return Element(MET, tuple(reasons), tuple(sources))
    if motive == "none":
        if jurisdiction == "EU":
            return Element(
                UNCLEAR,
                (
                    say(
                        "protection.nexus.eu_no_motive",
                        gettext_noop(
                            "No evidence of the persecutor's motive; under QD art 9(3) the link may instead run to the absence of protection."
                        ),
                    ),
                ),
                tuple(sources),
            )
        return Element(
            NOT_MET,
            (
                say(
                    "protection.nexus.no_motive",
                    gettext_noop(
                        "There is no evidence of the persecutor's motive, and the persecutor's motive is what counts (Elias-Zacarias)."
                    ),
                ),
            ),
            tuple(sources),
        )
    linked = persecutory_harm_linked(facts)
    if linked:
        return Element(
            MET,
            (
                say(
                    "protection.nexus.linked_to_work",
                    gettext_noop(
                        "The threats or prosecutions are linked to the defender's work, which is circumstantial evidence of motive; record the motive evidence."
                    ),
                ),
            ),
            tuple(sources),
        )
    if linked is False:
        return Element(
            UNCLEAR,
            (
                say(
                    "protection.nexus.lesser_linked",
                    gettext_noop(
                        "Only lesser harm is linked to the defender's work; the serious harm is not. The Convention reason must attach to the harm that is persecution (art 1A(2) 'for reasons of'; QD art 9(3))."
                    ),
                ),
            ),
            (*sources, SOURCE_ART_1A2),
        )
    profile_basis = {"own_profile", "activity_abroad_known", "similarly_placed_harmed"}
    if any(profile_basis & set(harm.basis) for harm in founded_feared_harms(facts)):
        return Element(
            MET,
            (
                say(
                    "protection.nexus.profile",
                    gettext_noop(
                        "The feared harm rests on the defender's profile or activity, which is circumstantial evidence that it would be for that reason; record the motive evidence."
                    ),
                ),
            ),
            (*sources, *SOURCES_RISK_WITHOUT_PAST_HARM),
        )
    return Element(
        UNCLEAR,
        (
            say(
                "protection.nexus.none",
                gettext_noop("Nothing recorded links the harm to a protected ground."),
            ),
        ),
        tuple(sources),
    )


def sur_place(facts: CaseFacts, jurisdiction: str) -> Element:
    sur_place = facts.claim.sur_place
    sources = ["UNHCR Handbook paras 94-96", "QD art 5"]
    after_departure = [threat for threat in facts.threats if threat.after_departure]
    in_absentia = [p for p in facts.prosecutions if p.stage == "in_absentia"]
    if not after_departure and not in_absentia and not sur_place.activities_abroad:
        return Element(
            NOT_APPLICABLE,
            (
                say(
                    "protection.sur_place.none",
                    gettext_noop("No events after departure and no activity abroad are recorded."),
                ),
            ),
            tuple(sources),
        )
    reasons: list[str] = []
    findings: list[Finding] = []
    if after_departure or in_absentia:
        findings.append(MET)
        reasons.append(
            say(
                "protection.sur_place.events_after_departure",
                gettext_noop(
                    "Events at home after departure (%(count)s) can found a well-founded fear (Handbook para 95; QD art 5(1))."
                ),
                count=str(len(after_departure) + len(in_absentia)),
            )
        )
    if sur_place.activities_abroad:
        known = sur_place.known_to_persecutor or facts.context.diaspora_monitored
        if sur_place.genuine is False:
            if jurisdiction == "UK":
                findings.append(MET if known else UNCLEAR)
                reasons.append(
                    say(
                        "protection.sur_place.uk_not_genuine",
                        gettext_noop(
                            "Activity abroad that is not genuine can still create a real risk in the UK if the authorities know of it and would hold it against the defender (Danian [1999] EWCA Civ 3000; XX (PJAK) Iran CG [2022] UKUT 23)."
                        ),
                    )
                )
                sources.append("Danian v SSHD [1999] EWCA Civ 3000")
            elif jurisdiction == "NZ":
                findings.append(NOT_MET)
                reasons.append(
                    say(
                        "protection.sur_place.nz_good_faith",
                        gettext_noop(
                            "New Zealand applies a good-faith limit to self-created claims (Refugee Appeal No. 2254/94; check the position under the Immigration Act 2009)."
                        ),
                    )
                )
                sources.append("Refugee Appeal No. 2254/94 (NZ RSAA)")
            elif jurisdiction == "EU" and sur_place.subsequent_application:
                findings.append(NOT_MET)
                reasons.append(
                    say(
                        "protection.sur_place.eu_subsequent",
                        gettext_noop(
                            "In a subsequent application a member state may refuse refugee status where the risk rests on circumstances created on purpose after leaving (QD art 5(3)); subsidiary protection and non-refoulement remain."
                        ),
                    )
                )
            else:
                findings.append(UNCLEAR)
                reasons.append(
                    say(
                        "protection.sur_place.not_genuine",
                        gettext_noop(
                            "Activity abroad recorded as not genuine: whether it was undertaken only to create a claim weighs in the assessment (QD art 4(3)(d)); the risk still depends on what the persecutor knows."
                        ),
                    )
                )
        elif known:
            findings.append(MET)
            reasons.append(
                say(
                    "protection.sur_place.known",
                    gettext_noop(
                        "Activity abroad is known to, or watched by, the persecutor (Handbook para 96; S.F. and Others v Sweden, ECtHR 2012)."
                    ),
                )
            )
            sources.append("S.F. and Others v Sweden (ECtHR 2012)")
            if sur_place.genuine:
                reasons.append(
                    say(
                        "protection.sur_place.genuine",
                        gettext_noop(
                            "It continues convictions held before departure (QD art 5(2))."
                        ),
                    )
                )
            else:
                reasons.append(
                    say(
                        "protection.sur_place.record_continuity",
                        gettext_noop(
                            "Record the continuity between the work at home and abroad: it supports genuineness (QD art 5(2))."
                        ),
                    )
                )
        elif sur_place.known_to_persecutor is False:
            findings.append(NOT_MET if not findings else UNCLEAR)
            reasons.append(
                say(
                    "protection.sur_place.unknown_to_persecutor",
                    gettext_noop(
                        "The activity abroad is not known to the persecutor, so on its own it adds no risk."
                    ),
                )
            )
        else:
            findings.append(UNCLEAR)
            reasons.append(
                say(
                    "protection.sur_place.knowledge_unrecorded",
                    gettext_noop(
                        "Not recorded whether the persecutor knows of the activity abroad (surveillance, informants, social media, returnee screening)."
                    ),
                )
            )
    finding = MET if MET in findings else NOT_MET if findings == [NOT_MET] else UNCLEAR
    return Element(finding, tuple(reasons), tuple(sources))
