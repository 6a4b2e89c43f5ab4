"""
The tension flag: when the relocation regime (return expected) and the refugee regime (no
return) pull apart.
"""

from __future__ import annotations

from collections.abc import Mapping

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes, Joined, MessageTemplate, gettext_noop, say
from haven.domain.pathways.common import (
    EXPECTS_RETURN_BUT,
    IN_PROGRAMME,
    Tension,
    _days_left,
    _return_pulls,
)
from haven.domain.protection import ProtectionAssessment
from haven.domain.risk import RiskAssessment
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
)


def flag_tension(
    facts: CaseFacts,
    *,
    protection: ProtectionAssessment,
    risk_on_return: RiskAssessment | None,
    expects_return: bool | None,
    asylum_policy: str | None,
) -> Tension:
    """Flag when the relocation regime (return expected) and the refugee regime (no return) pull apart."""
    defender = facts.defender
    in_programme = facts.relocation.status in IN_PROGRAMME
    if not in_programme:
        return Tension(
            False,
            (
                say(
                    "pathways.tension.no_programme",
                    gettext_noop(
                        "The defender is not in or heading to a relocation programme that expects return."
                    ),
                ),
            ),
            (),
        )
    if expects_return is False:
        return Tension(
            False,
            (
                say(
                    "pathways.tension.no_return_expected",
                    gettext_noop("The programme does not expect the defender to return."),
                ),
            ),
            (),
        )
    pulls = _return_pulls(risk_on_return, protection)
    if defender.intends_to_return is False:
        pulls.append(
            say(
                "pathways.pull.no_return_intent",
                gettext_noop("the defender does not intend to return"),
            )
        )
    if set(defender.wishes) & {"asylum", "resettlement", "onward_relocation"}:
        pulls.append(
            say(
                "pathways.pull.wishes",
                gettext_noop("the defender wishes for %(wishes)s"),
                wishes=Codes(
                    sorted(set(defender.wishes) & {"asylum", "resettlement", "onward_relocation"})
                ),
            )
        )
    if not pulls:
        return Tension(
            False,
            (
                say(
                    "pathways.tension.none",
                    gettext_noop(
                        "The programme expects return and nothing recorded stands against it."
                    ),
                ),
            ),
            (),
        )
    reasons: list[str] = [
        EXPECTS_RETURN_BUT(pulls=Joined(pulls))
        if expects_return
        else say(
            "pathways.tension.may_expect_return",
            gettext_noop(
                "The programme may expect return (its rule is not recorded), but %(pulls)s."
            ),
            pulls=Joined(pulls),
        )
    ]
    if defender.intends_to_return and protection.outcome in POSITIVE_OUTCOMES:
        reasons.append(
            say(
                "pathways.tension.informed_choice",
                gettext_noop(
                    "The defender intends to return although protection is indicated: respect their choice, and make sure it is informed."
                ),
            )
        )
    days_left = _days_left(facts)
    deadline = ""
    if days_left is not None and facts.relocation.end_date is not None:
        deadline = say(
            "pathways.tension.deadline",
            gettext_noop(" before the stay ends on %(date)s (%(days)s days left)"),
            date=facts.relocation.end_date.isoformat(),
            days=str(days_left),
        )
    policy = (
        say(
            "pathways.tension.policy",
            gettext_noop(" The programme's asylum policy: %(policy)s"),
            policy=asylum_policy,
        )
        if asylum_policy
        else say(
            "pathways.tension.policy_unrecorded",
            gettext_noop(
                " The programme's asylum policy is not recorded: ask the programme and tell the defender."
            ),
        )
    )
    actions: list[str] = [
        say(
            "pathways.tension.tell_right",
            gettext_noop(
                "Tell the defender of their right to seek asylum and of the programme's asylum policy%(deadline)s.%(policy)s"
            ),
            deadline=deadline,
            policy=policy,
        ),
        say(
            "pathways.tension.legal_advice",
            gettext_noop(
                "Refer the defender to independent legal advice on asylum and complementary protection in the host country."
            ),
        ),
        say(
            "pathways.tension.informed_consent",
            gettext_noop(
                "Record the defender's informed consent to whatever they decide: return, extension, onward relocation or asylum."
            ),
        ),
        _visa_action(facts),
    ]
    return Tension(True, tuple(reasons), tuple(actions))


#: What to check for each kind of visa or status the case facts record. A short stay rarely allows
#: a change of status; a long stay or residence permit may be extended or changed. Either way an
#: asylum claim can be made from any status.
VISA_CHECKS: Mapping[str, MessageTemplate] = {
    **dict.fromkeys(
        ("short_stay", "visa_free"),
        MessageTemplate(
            "pathways.visa.short",
            gettext_noop(
                "Check what the %(visa)s status allows in %(host)s: it rarely allows a change of status, but an asylum claim can be made from any status."
            ),
        ),
    ),
    **dict.fromkeys(
        ("long_stay", "residence_permit"),
        MessageTemplate(
            "pathways.visa.long",
            gettext_noop(
                "Check what the %(visa)s in %(host)s allows: whether it can be extended or changed, and how an asylum claim would affect it."
            ),
        ),
    ),
}


def _visa_action(facts: CaseFacts) -> str:
    visa = facts.relocation.visa
    host = facts.relocation.host_country or say(
        "pathways.visa.the_host_country", gettext_noop("the host country")
    )
    if visa is not None and visa in VISA_CHECKS:
        return VISA_CHECKS[visa](visa=Codes([visa]), host=host)
    return say(
        "pathways.visa.unrecorded",
        gettext_noop("Check what the defender's visa or status in %(host)s allows (not recorded)."),
        host=host,
    )
