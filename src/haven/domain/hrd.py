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
class HrdScreening:
    """The screening result: ``defender``, ``not_defender`` or ``unclear``, with every reason."""

    status: HrdStatus
    reasons: tuple[str, ...]
    missing: tuple[str, ...]


def _words(code: str) -> str:
    return code.replace("_", " ")


def screen_defender(facts: CaseFacts) -> HrdScreening:
    """Screen the defender against the Declaration and Fact Sheet 29; see the module docstring."""
    defender = facts.defender
    reasons: list[str] = []
    missing: list[str] = []
    failed = False

    if defender.activities:
        activities = ", ".join(_words(activity) for activity in defender.activities)
        reasons.append(f"Works to protect human rights ({activities}) [{SOURCE_DECLARATION}].")
        work_known = True
    else:
        work_known = False
        hinted = sorted(set(defender.profiles) & ROLE_PROFILES)
        hint = f" The profile ({', '.join(map(_words, hinted))}) suggests it." if hinted else ""
        reasons.append(
            "No human rights activity is recorded, and a defender is recognised by what they do, "
            f"not by title or identity.{hint} [{SOURCE_DECLARATION}]"
        )
        missing.append("defender.activities")

    if defender.peaceful_means is False:
        failed = True
        reasons.append(
            f"Uses or advocates violence, so falls outside the protection for defenders [{SOURCE_PEACEFUL}]."
        )
    elif defender.peaceful_means is None:
        missing.append("defender.peaceful_means")
        reasons.append(f"Whether the work is peaceful is not recorded [{SOURCE_PEACEFUL}].")
    else:
        reasons.append(f"Works by peaceful means [{SOURCE_PEACEFUL}].")

    if defender.accepts_universality is False:
        failed = True
        reasons.append(
            f"Denies the rights of others, so does not accept universality [{SOURCE_UNIVERSALITY}]."
        )
    elif defender.accepts_universality is None:
        missing.append("defender.accepts_universality")
        reasons.append(
            f"Whether they accept the universality of rights is not recorded [{SOURCE_UNIVERSALITY}]."
        )
    else:
        reasons.append(
            f"Defends rights without denying the rights of others [{SOURCE_UNIVERSALITY}]."
        )

    if defender.organisation_backing:
        reasons.append(
            "An organisation or network vouches for the work (supporting evidence, not a requirement)."
        )
    if any(threat.linked_to_work for threat in facts.threats):
        reasons.append("Threats are linked to the work, which corroborates it.")

    if failed:
        status = HrdStatus.NOT_DEFENDER
    elif work_known and not missing:
        status = HrdStatus.DEFENDER
    else:
        status = HrdStatus.UNCLEAR
        reasons.append("Unclear until these facts are recorded: " + ", ".join(missing) + ".")
    return HrdScreening(status=status, reasons=tuple(reasons), missing=tuple(missing))
