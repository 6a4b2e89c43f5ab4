"""
Defender screening: is this person a human rights defender, judged by what they do?

The UN Declaration on Human Rights Defenders (A/RES/53/144, art 1) makes anyone who, alone or with
others, promotes and strives for the protection of human rights a defender; no title, job or
membership is needed. OHCHR Fact Sheet 29 adds two minimum standards: the defender accepts the
universality of human rights (they do not deny the rights of others) and acts peacefully
(Declaration art 12 protects peaceful activity). Screening therefore asks three questions:

- what they do (``activities``): recorded activity meets the first test; a profile alone only hints;
- peaceful means: ``peaceful_means: false`` makes the person not a defender;
- universality: ``accepts_universality: false`` makes the person not a defender.

Any question left unknown makes the result ``unclear``, and the reasons say what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes, MessageTemplate, gettext_noop, say
from haven.domain.vocabulary import HrdStatus

SOURCE_DECLARATION = "UN Declaration on Human Rights Defenders (A/RES/53/144) art 1"
SOURCE_PEACEFUL = (
    "UN Declaration on Human Rights Defenders art 12; OHCHR Fact Sheet 29 (peaceful action)"
)
SOURCE_UNIVERSALITY = "OHCHR Fact Sheet 29 (acceptance of the universality of human rights)"

#: Profiles that describe a defending role rather than an identity; they hint at the work but do
#: not record it.
ROLE_PROFILES = frozenset(
    {
        "any_hrd",
        "woman_hrd",
        "journalist",
        "lawyer",
        "environmental",
        "land",
        "trade_unionist",
        "anti_corruption",
        "ngo_worker",
        "community_leader",
        "whistleblower",
        "political_activist",
    }
)


@dataclass(frozen=True)
class MinimumStandard:
    """
    One of Fact Sheet 29's minimum standards: the defender's fact that answers it, its source, and
    the reason given when the answer is no (not a defender), unknown (unclear) or yes.
    """

    fact: str
    source: str
    breached: MessageTemplate
    unknown: MessageTemplate
    met: MessageTemplate


#: The two minimum standards (OHCHR Fact Sheet 29), asked in this order for every defender.
MINIMUM_STANDARDS = (
    MinimumStandard(
        "peaceful_means",
        SOURCE_PEACEFUL,
        breached=MessageTemplate(
            "hrd.violent",
            gettext_noop(
                "Uses or advocates violence, so falls outside the protection for defenders [%(source)s]."
            ),
        ),
        unknown=MessageTemplate(
            "hrd.peaceful_unknown",
            gettext_noop("Whether the work is peaceful is not recorded [%(source)s]."),
        ),
        met=MessageTemplate("hrd.peaceful", gettext_noop("Works by peaceful means [%(source)s].")),
    ),
    MinimumStandard(
        "accepts_universality",
        SOURCE_UNIVERSALITY,
        breached=MessageTemplate(
            "hrd.denies_rights",
            gettext_noop(
                "Denies the rights of others, so does not accept universality [%(source)s]."
            ),
        ),
        unknown=MessageTemplate(
            "hrd.universality_unknown",
            gettext_noop(
                "Whether they accept the universality of rights is not recorded [%(source)s]."
            ),
        ),
        met=MessageTemplate(
            "hrd.universality",
            gettext_noop("Defends rights without denying the rights of others [%(source)s]."),
        ),
    ),
)


@dataclass(frozen=True)
class HrdScreening:
    """The screening result: ``defender``, ``not_defender`` or ``unclear``, with every reason."""

    status: HrdStatus
    reasons: tuple[str, ...]
    missing: tuple[str, ...]


def screen_defender(facts: CaseFacts) -> HrdScreening:
    """Screen the defender against the Declaration and Fact Sheet 29; see the module docstring."""
    defender = facts.defender
    reasons: list[str] = []
    missing: list[str] = []
    failed = False

    if defender.activities:
        reasons.append(
            say(
                "hrd.activities",
                gettext_noop("Works to protect human rights (%(activities)s) [%(source)s]."),
                activities=Codes(defender.activities),
                source=SOURCE_DECLARATION,
            )
        )
        work_known = True
    else:
        work_known = False
        hinted = sorted(set(defender.profiles) & ROLE_PROFILES)
        hint = (
            say(
                "hrd.profile_hint",
                gettext_noop(" The profile (%(profiles)s) suggests it."),
                profiles=Codes(hinted),
            )
            if hinted
            else ""
        )
        reasons.append(
            say(
                "hrd.no_activity",
                gettext_noop(
                    "No human rights activity is recorded, and a defender is recognised by what they do, not by title or identity.%(hint)s [%(source)s]"
                ),
                hint=hint,
                source=SOURCE_DECLARATION,
            )
        )
        missing.append("defender.activities")

    for standard in MINIMUM_STANDARDS:
        answer = getattr(defender, standard.fact)
        if answer is False:
            failed = True
            reasons.append(standard.breached(source=standard.source))
        elif answer is None:
            missing.append(f"defender.{standard.fact}")
            reasons.append(standard.unknown(source=standard.source))
        else:
            reasons.append(standard.met(source=standard.source))

    if defender.organisation_backing:
        reasons.append(
            say(
                "hrd.organisation_backing",
                gettext_noop(
                    "An organisation or network vouches for the work (supporting evidence, not a requirement)."
                ),
            )
        )
    if any(threat.linked_to_work for threat in facts.threats):
        reasons.append(
            say(
                "hrd.threats_linked",
                gettext_noop("Threats are linked to the work, which corroborates it."),
            )
        )

    if failed:
        status = HrdStatus.NOT_DEFENDER
    elif work_known and not missing:
        status = HrdStatus.DEFENDER
    else:
        status = HrdStatus.UNCLEAR
        reasons.append(
            say(
                "hrd.missing",
                gettext_noop("Unclear until these facts are recorded: %(missing)s."),
                missing=", ".join(missing),
            )
        )
    return HrdScreening(status=status, reasons=tuple(reasons), missing=tuple(missing))
