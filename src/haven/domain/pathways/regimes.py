"""
The two-regime map: where the defender stands in the relocation regime and in the refugee
regime.
"""

from __future__ import annotations

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes, Joined, gettext_noop, say
from haven.domain.pathways.common import (
    EXPECTS_RETURN_BUT,
    IN_PROGRAMME,
    PROTECTION_POINTS_TO,
    Standing,
    _return_pulls,
)
from haven.domain.protection import ProtectionAssessment
from haven.domain.risk import RiskAssessment
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
    ProtectionOutcome,
    RegimeStatus,
)


def map_regimes(
    facts: CaseFacts,
    *,
    protection: ProtectionAssessment,
    risk_on_return: RiskAssessment | None,
    expects_return: bool | None,
) -> dict[str, Standing]:
    """Where the defender stands in the relocation regime and in the refugee regime, and why."""
    status = facts.relocation.status
    if status in IN_PROGRAMME:
        pulls: list[str] = []
        if facts.defender.intends_to_return is False:
            pulls.append(
                say(
                    "pathways.pull.no_return_intent",
                    gettext_noop("the defender does not intend to return"),
                )
            )
        pulls += _return_pulls(risk_on_return, protection)
        programme = f" ({facts.relocation.programme_id})" if facts.relocation.programme_id else ""
        base = {
            "applied": say(
                "pathways.regime.applied",
                gettext_noop("The defender has applied to a relocation programme%(programme)s."),
                programme=programme,
            ),
            "accepted": say(
                "pathways.regime.accepted",
                gettext_noop("The defender is accepted by a relocation programme%(programme)s."),
                programme=programme,
            ),
            "in_relocation": say(
                "pathways.regime.on_programme",
                gettext_noop("The defender is on a relocation programme%(programme)s."),
                programme=programme,
            ),
        }[status or ""]
        if pulls and expects_return is not False:
            pulled = (
                EXPECTS_RETURN_BUT(pulls=Joined(pulls))
                if expects_return
                else say(
                    "pathways.regime.may_expect_return",
                    gettext_noop("The programme may expect return (not recorded), but %(pulls)s."),
                    pulls=Joined(pulls),
                )
            )
            relocation = Standing(RegimeStatus.CONTESTED, (base, pulled))
        else:
            relocation = Standing(RegimeStatus.WITHIN, (base,))
    elif status == "returned":
        relocation = Standing(
            RegimeStatus.OUTSIDE,
            (
                say(
                    "pathways.regime.returned",
                    gettext_noop(
                        "The defender has returned from relocation; follow-up and risk on return matter now."
                    ),
                ),
            ),
        )
    else:
        relocation = Standing(
            RegimeStatus.OUTSIDE,
            (
                say(
                    "pathways.regime.not_in_programme",
                    gettext_noop("The defender is not in or applying to a relocation programme."),
                )
                if status == "none"
                else say(
                    "pathways.regime.no_relocation", gettext_noop("No relocation is recorded.")
                ),
            ),
        )

    outcome = protection.outcome
    if outcome in POSITIVE_OUTCOMES:
        refugee_status = RegimeStatus.WITHIN
        why = PROTECTION_POINTS_TO(outcome=Codes([outcome]))
    elif outcome == ProtectionOutcome.FURTHER_EVIDENCE_NEEDED:
        refugee_status = RegimeStatus.CONTESTED
        why = say(
            "pathways.regime.protection_open",
            gettext_noop("Whether the defender needs international protection is open."),
        )
    else:
        refugee_status = RegimeStatus.OUTSIDE
        why = say(
            "pathways.regime.protection_gives",
            gettext_noop("The protection assessment gives %(outcome)s."),
            outcome=Codes([outcome]),
        )
    refugee = Standing(refugee_status, (why, *protection.reasons))
    return {"relocation": relocation, "refugee": refugee}
