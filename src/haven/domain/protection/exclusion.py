"""
Who is outside the protection even with a well-founded fear: exclusion (1D, 1E, 1F) and
cessation (1C).
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import gettext_noop, say
from haven.domain.protection.common import (
    MET,
    NOT_MET,
    ONE_F,
    Element,
    join_codes,
)


def exclusion(facts: CaseFacts) -> Element:
    indicators = set(facts.claim.exclusion_indicators)
    sources = ["1951 Convention arts 1D, 1E, 1F", "QD art 12", "UNHCR Handbook paras 140-163"]
    reasons: list[str] = []
    finding = MET
    if indicators & ONE_F:
        finding = NOT_MET
        reasons.append(
            say(
                "protection.exclusion.one_f",
                gettext_noop(
                    "Art 1F indicator(s): %(indicators)s. Exclusion needs serious reasons for considering the person responsible, assessed individually; membership of a group is not enough (CJEU B and D, C-57/09 and C-101/09; Ezokola 2013 SCC 40)."
                ),
                indicators=join_codes(sorted(indicators & ONE_F)),
            )
        )
    if "un_agency_protection" in indicators:
        finding = NOT_MET
        reasons.append(
            say(
                "protection.exclusion.one_d",
                gettext_noop(
                    "Art 1D: protection or assistance from a UN agency other than UNHCR; if it ceases, the person is ipso facto entitled to the Convention (QD art 12(1)(a); Bolbol C-31/09; El Kott C-364/11)."
                ),
            )
        )
    if "rights_of_national_elsewhere" in indicators:
        finding = NOT_MET
        reasons.append(
            say(
                "protection.exclusion.one_e",
                gettext_noop(
                    "Art 1E: the country of residence recognises the rights and obligations of its nationals."
                ),
            )
        )
    if "danger_to_host_security" in indicators:
        reasons.append(
            say(
                "protection.exclusion.danger_to_host",
                gettext_noop(
                    "Danger to the host country's security is not an exclusion clause: art 33(2) may lift the Convention's bar on return and QD art 14(4)-(6) lets a member state refuse or revoke status, but the person stays a refugee (CJEU C-391/16 M and Others); a legal adviser must assess it individually."
                ),
            )
        )
        sources += ["1951 Convention art 33(2)", "QD art 14(4)-(6)", "CJEU C-391/16 M and Others"]
    if finding == MET and "danger_to_host_security" not in indicators:
        reasons.append(
            say("protection.exclusion.none", gettext_noop("No exclusion indicator is recorded."))
        )
    if any(p.charge in ("terrorism", "extremism") for p in facts.prosecutions):
        reasons.append(
            say(
                "protection.exclusion.terrorism_label",
                gettext_noop(
                    "The state labels the defender a terrorist or extremist: screen whether the label is pretextual and whether any alleged crime is political (predominance test)."
                ),
            )
        )
    if finding == NOT_MET:
        reasons.append(
            say(
                "protection.exclusion.absolute_bars_remain",
                gettext_noop(
                    "Exclusion bars refugee status, but not the absolute bars on return under ECHR art 3 and CAT art 3 (Chahal v UK)."
                ),
            )
        )
    return Element(finding, tuple(reasons), tuple(sources))


def cessation(facts: CaseFacts) -> Element:
    indicators = facts.claim.cessation_indicators
    sources = ("1951 Convention art 1C", "QD art 11", "UNHCR Handbook paras 111-139")
    reasons: list[str] = []
    if indicators:
        reasons.append(
            say(
                "protection.cessation.indicators",
                gettext_noop("Cessation indicator(s): %(indicators)s."),
                indicators=join_codes(indicators),
            )
        )
        if "changed_circumstances" in indicators:
            reasons.append(
                say(
                    "protection.cessation.changed_circumstances",
                    gettext_noop(
                        "Changed circumstances end protection only if the change is fundamental and durable (art 1C(5)-(6); CJEU Abdulla C-175/08)."
                    ),
                )
            )
        finding = NOT_MET
    else:
        reasons.append(
            say("protection.cessation.none", gettext_noop("No cessation indicator is recorded."))
        )
        finding = MET
    if facts.relocation.status == "returned":
        reasons.append(
            say(
                "protection.cessation.returned",
                gettext_noop(
                    "A return home may be argued as re-availment of protection: record the reasons for it and the safety measures taken."
                ),
            )
        )
    return Element(finding, tuple(reasons), sources)
