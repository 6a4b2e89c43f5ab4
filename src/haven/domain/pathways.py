"""
The two-regime map, ranked protection pathways and the tension between the regimes.

Two regimes meet around a threatened defender. The relocation regime (temporary international
relocation initiatives: a stay of a few months with return expected) and the refugee regime
(asylum, complementary protection, non-refoulement: no return while the risk lasts). They pull
apart when a defender on a programme that expects return cannot safely go back, or does not
want to. Haven flags that tension and lists what staff owe the defender: information about the
right to seek asylum and the programme's asylum policy before the stay ends, independent legal
advice, informed consent, and a check of what the visa allows.

Pathways are advice, ranked ``recommended`` > ``possible`` > ``not_suitable``; within a rank a
pathway the defender wishes for comes first. The defender decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.messages import Codes, Joined, MessageTemplate, gettext_noop, say
from haven.domain.protection import (
    ProtectionAssessment,
    relocation_defeaters,
    safe_area_shown,
    state_involved,
)
from haven.domain.risk import RiskAssessment, is_outside_country_of_risk
from haven.domain.vocabulary import (
    POSITIVE_OUTCOMES,
    PathwayName,
    ProtectionOutcome,
    RegimeStatus,
    RiskLevel,
    Suitability,
)

IN_PROGRAMME = ("applied", "accepted", "in_relocation")
SUITABILITY_ORDER: tuple[Suitability, ...] = tuple(Suitability)

#: The wish that speaks for each pathway.
WISH_FOR_PATHWAY: Mapping[str, str] = {
    "in_country_protection": "stay_and_continue",
    "temporary_international_relocation": "respite",
    "extension": "extend",
    "onward_relocation": "onward_relocation",
    "return_with_protection": "return",
    "asylum": "asylum",
    "resettlement": "resettlement",
}


@dataclass(frozen=True)
class Standing:
    status: RegimeStatus
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Pathway:
    pathway: PathwayName
    suitability: Suitability
    reasons: tuple[str, ...]
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tension:
    flag: bool
    reasons: tuple[str, ...]
    actions: tuple[str, ...]


def _at_least(risk: RiskAssessment | None, level: RiskLevel) -> bool:
    return risk is not None and risk.level.rank >= level.rank


def programme_expects_return(facts: CaseFacts, catalogue_rule: bool | None) -> bool | None:
    """Whether the defender's programme expects return: the facts first, then the catalogue."""
    if facts.relocation.programme_requires_return is not None:
        return facts.relocation.programme_requires_return
    return catalogue_rule


#: The regime map and the tension engine say it alike when something pulls against return.
EXPECTS_RETURN_BUT = MessageTemplate(
    "pathways.regime.expects_return",
    gettext_noop("The programme expects return, but %(pulls)s."),
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
        pulls = []
        if facts.defender.intends_to_return is False:
            pulls.append(
                say(
                    "pathways.pull.no_return_intent",
                    gettext_noop("the defender does not intend to return"),
                )
            )
        if _at_least(risk_on_return, RiskLevel.HIGH):
            pulls.append(
                say(
                    "pathways.pull.risk_on_return",
                    gettext_noop("risk on return is %(level)s"),
                    level=Codes([risk_on_return.level] if risk_on_return else []),
                )
            )
        if protection.outcome in POSITIVE_OUTCOMES:
            pulls.append(
                say(
                    "pathways.pull.protection",
                    gettext_noop("the protection assessment points to %(outcome)s"),
                    outcome=Codes([protection.outcome]),
                )
            )
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
        refugee = Standing(
            RegimeStatus.WITHIN,
            (
                say(
                    "pathways.protection_points_to",
                    gettext_noop("The protection assessment points to %(outcome)s."),
                    outcome=Codes([outcome]),
                ),
                *protection.reasons,
            ),
        )
    elif outcome == ProtectionOutcome.FURTHER_EVIDENCE_NEEDED:
        refugee = Standing(
            RegimeStatus.CONTESTED,
            (
                say(
                    "pathways.regime.protection_open",
                    gettext_noop("Whether the defender needs international protection is open."),
                ),
                *protection.reasons,
            ),
        )
    else:
        refugee = Standing(
            RegimeStatus.OUTSIDE,
            (
                say(
                    "pathways.regime.protection_gives",
                    gettext_noop("The protection assessment gives %(outcome)s."),
                    outcome=Codes([outcome]),
                ),
                *protection.reasons,
            ),
        )
    return {"relocation": relocation, "refugee": refugee}


def _days_left(facts: CaseFacts) -> int | None:
    end = facts.relocation.end_date
    if end is None or facts.assessed_on is None:
        return None
    return (end - facts.assessed_on).days


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
    pulls = []
    if _at_least(risk_on_return, RiskLevel.HIGH):
        pulls.append(
            say(
                "pathways.pull.risk_on_return",
                gettext_noop("risk on return is %(level)s"),
                level=Codes([risk_on_return.level] if risk_on_return else []),
            )
        )
    if protection.outcome in POSITIVE_OUTCOMES:
        pulls.append(
            say(
                "pathways.pull.protection",
                gettext_noop("the protection assessment points to %(outcome)s"),
                outcome=Codes([protection.outcome]),
            )
        )
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


def _visa_action(facts: CaseFacts) -> str:
    visa = facts.relocation.visa
    host = facts.relocation.host_country or say(
        "pathways.visa.the_host_country", gettext_noop("the host country")
    )
    if visa in ("short_stay", "visa_free"):
        return say(
            "pathways.visa.short",
            gettext_noop(
                "Check what the %(visa)s status allows in %(host)s: it rarely allows a change of status, but an asylum claim can be made from any status."
            ),
            visa=Codes([visa]),
            host=host,
        )
    if visa in ("long_stay", "residence_permit"):
        return say(
            "pathways.visa.long",
            gettext_noop(
                "Check what the %(visa)s in %(host)s allows: whether it can be extended or changed, and how an asylum claim would affect it."
            ),
            visa=Codes([visa]),
            host=host,
        )
    return say(
        "pathways.visa.unrecorded",
        gettext_noop("Check what the defender's visa or status in %(host)s allows (not recorded)."),
        host=host,
    )


@dataclass(frozen=True)
class Situation:
    """What every pathway rule reads: the facts, the engine results and a few derived answers."""

    facts: CaseFacts
    risk: RiskAssessment
    risk_on_return: RiskAssessment | None
    protection: ProtectionAssessment
    abroad: bool | None
    in_relocation: bool
    state_persecutor: bool
    travel_cautions: tuple[str, ...]

    @property
    def forward(self) -> RiskAssessment:
        """The risk the defender faces next: on return when that is assessed, else now."""
        return self.risk_on_return or self.risk


PathwayRule = Callable[[Situation], Pathway]


def _travel_cautions(facts: CaseFacts, abroad: bool | None) -> tuple[str, ...]:
    defender = facts.defender
    cautions = []
    if defender.travel_ban:
        cautions.append(
            say(
                "pathways.caution.travel_ban",
                gettext_noop("A travel ban may stop the defender leaving through official exits."),
            )
        )
    if defender.valid_passport is False:
        cautions.append(
            say("pathways.caution.no_passport", gettext_noop("The defender has no valid passport."))
        )
    if defender.valid_passport is None and not abroad:
        cautions.append(
            say(
                "pathways.caution.passport_unrecorded",
                gettext_noop("Whether the defender holds a valid passport is not recorded."),
            )
        )
    return tuple(cautions)


def in_country_protection(situation: Situation) -> Pathway:
    """Protective measures at home, unless the risk or a repressive state makes them futile."""
    name, risk = PathwayName.IN_COUNTRY_PROTECTION, situation.risk
    if situation.abroad:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (
                say(
                    "pathways.in_country.abroad",
                    gettext_noop("The defender is abroad; see return with protection."),
                ),
            ),
        )
    state = situation.state_persecutor
    if risk.level == RiskLevel.CRITICAL or (
        state and situation.facts.context.civic_space in ("repressed", "closed")
    ):
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (
                say(
                    "pathways.in_country.state_persecutor",
                    gettext_noop(
                        "Risk is %(level)s and the state is the persecutor in a repressed or closed civic space: protective measures at home are unlikely to be enough."
                    ),
                    level=Codes([risk.level]),
                )
                if state
                else say(
                    "pathways.in_country.not_enough",
                    gettext_noop(
                        "Risk is %(level)s: protective measures at home are unlikely to be enough."
                    ),
                    level=Codes([risk.level]),
                ),
            ),
        )
    suitability = (
        Suitability.RECOMMENDED
        if risk.level in (RiskLevel.LOW, RiskLevel.MEDIUM)
        else Suitability.POSSIBLE
    )
    reasons = [
        say(
            "pathways.in_country.measures",
            gettext_noop(
                "Risk is %(level)s: protective measures at home (security plan, accompaniment, legal support, networks) can reduce it."
            ),
            level=Codes([risk.level]),
        )
    ]
    if situation.facts.context.national_protection_mechanism == "effective":
        reasons.append(
            say(
                "pathways.in_country.mechanism_effective",
                gettext_noop("The national protection mechanism is effective."),
            )
        )
    return Pathway(name, suitability, tuple(reasons))


def internal_relocation(situation: Situation) -> Pathway:
    """
    A safer area at home: not suitable where something defeats it, possible where an area is
    shown safe; otherwise possible once the safe-area facts are completed. (The protection
    element answers a different question: whether relocation defeats a claim, which it does only
    where an area is shown; see rule 4.)
    """
    name = PathwayName.INTERNAL_RELOCATION
    if situation.abroad:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (say("pathways.internal.abroad", gettext_noop("The defender is already abroad.")),),
        )
    facts = situation.facts
    reasons = situation.protection.elements["internal_relocation"].reasons
    if relocation_defeaters(facts):
        return Pathway(name, Suitability.NOT_SUITABLE, reasons)
    if safe_area_shown(facts):
        return Pathway(
            name,
            Suitability.POSSIBLE
            if situation.risk.level != RiskLevel.CRITICAL
            else Suitability.NOT_SUITABLE,
            reasons,
        )
    return Pathway(
        name,
        Suitability.POSSIBLE,
        reasons,
        (
            say(
                "pathways.internal.complete_facts",
                gettext_noop("Complete the safe-area facts first."),
            ),
        ),
    )


def regional_relocation(situation: Situation) -> Pathway:
    """A stay in the region from medium risk, for a defender still at home."""
    name, risk = PathwayName.REGIONAL_RELOCATION, situation.risk
    if situation.abroad:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (
                say(
                    "pathways.regional.abroad",
                    gettext_noop("The defender is already abroad; see onward relocation."),
                ),
            ),
        )
    if risk.level.rank < RiskLevel.MEDIUM.rank:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (say("pathways.risk_low", gettext_noop("Risk is low.")),),
        )
    cautions = [*situation.travel_cautions]
    if situation.facts.context.diaspora_monitored:
        cautions.append(
            say(
                "pathways.regional.diaspora_monitored",
                gettext_noop(
                    "The persecutor watches defenders abroad; a neighbouring country may be within reach."
                ),
            )
        )
    return Pathway(
        name,
        Suitability.POSSIBLE,
        (
            say(
                "pathways.regional.possible",
                gettext_noop(
                    "Risk is %(level)s: a stay in the region keeps the defender close to their work and community."
                ),
                level=Codes([risk.level]),
            ),
        ),
        tuple(cautions),
    )


def temporary_international_relocation(situation: Situation) -> Pathway:
    """A relocation programme: recommended at high risk for a defender who intends to return."""
    name, risk = PathwayName.TEMPORARY_INTERNATIONAL_RELOCATION, situation.risk
    defender = situation.facts.defender
    if situation.in_relocation:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (
                say(
                    "pathways.temporary.on_programme",
                    gettext_noop(
                        "The defender is already on a relocation programme; see extension and onward relocation."
                    ),
                ),
            ),
        )
    if situation.forward.level.rank < RiskLevel.MEDIUM.rank:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (say("pathways.risk_low", gettext_noop("Risk is low.")),),
        )
    cautions = [*situation.travel_cautions]
    if defender.intends_to_return is False:
        cautions.append(
            say(
                "pathways.temporary.no_return_intent",
                gettext_noop(
                    "Relocation programmes expect return; the defender does not intend to return. Explain programme asylum policies before they apply."
                ),
            )
        )
    if _at_least(situation.risk_on_return, RiskLevel.CRITICAL):
        cautions.append(
            say(
                "pathways.temporary.critical_on_return",
                gettext_noop(
                    "Risk on return is critical: a short stay followed by return may not be safe."
                ),
            )
        )
    suitability = (
        Suitability.RECOMMENDED
        if risk.level.rank >= RiskLevel.HIGH.rank and defender.intends_to_return is not False
        else Suitability.POSSIBLE
    )
    return Pathway(
        name,
        suitability,
        (
            say(
                "pathways.temporary.respite",
                gettext_noop(
                    "Risk is %(level)s: a temporary stay abroad gives respite and keeps the work going."
                ),
                level=Codes([risk.level]),
            ),
        ),
        tuple(cautions),
    )


def extension(situation: Situation) -> Pathway:
    """A longer stay for a defender on a programme, recommended when return is dangerous."""
    name = PathwayName.EXTENSION
    if not situation.in_relocation:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (
                say(
                    "pathways.extension.not_on_programme",
                    gettext_noop("The defender is not on a relocation programme."),
                ),
            ),
        )
    risk_on_return = situation.risk_on_return
    reasons = []
    if _at_least(risk_on_return, RiskLevel.HIGH):
        reasons.append(
            say(
                "pathways.extension.safer",
                gettext_noop(
                    "Risk on return is %(level)s: more time abroad is safer while other options are prepared."
                ),
                level=Codes([risk_on_return.level] if risk_on_return else []),
            )
        )
        suitability = Suitability.RECOMMENDED
    else:
        reasons.append(
            say(
                "pathways.extension.prepare_return",
                gettext_noop("An extension gives time to prepare a safe return."),
            )
        )
        suitability = Suitability.POSSIBLE
    days_left = _days_left(situation.facts)
    if days_left is not None:
        reasons.append(
            say(
                "pathways.extension.days_left",
                gettext_noop("The stay ends in %(days)s days."),
                days=str(days_left),
            )
        )
    used = situation.facts.relocation.extensions_used
    cautions = (
        (
            say(
                "pathways.extension.used",
                gettext_noop("%(count)s extension(s) already used."),
                count=str(used),
            ),
        )
        if used
        else ()
    )
    return Pathway(name, suitability, tuple(reasons), cautions)


def onward_relocation(situation: Situation) -> Pathway:
    """A further stay elsewhere for a defender already away, recommended at high forward risk."""
    name, forward = PathwayName.ONWARD_RELOCATION, situation.forward
    if not (situation.abroad or situation.in_relocation):
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (say("pathways.onward.not_abroad", gettext_noop("The defender is not abroad.")),),
        )
    if not (
        _at_least(forward, RiskLevel.HIGH) or "onward_relocation" in situation.facts.defender.wishes
    ):
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.onward.option",
                    gettext_noop("An onward stay is an option if return is delayed."),
                ),
            ),
        )
    cautions = []
    if situation.facts.context.diaspora_monitored:
        cautions.append(
            say(
                "pathways.onward.diaspora_monitored",
                gettext_noop(
                    "The persecutor watches defenders abroad: choose a host beyond its reach."
                ),
            )
        )
    return Pathway(
        name,
        Suitability.RECOMMENDED if _at_least(forward, RiskLevel.HIGH) else Suitability.POSSIBLE,
        (
            say(
                "pathways.onward.recommended",
                gettext_noop(
                    "Risk on return is %(level)s: a further stay in another country keeps the defender away from it."
                ),
                level=Codes([forward.level]),
            ),
        ),
        tuple(cautions),
    )


def return_with_protection(situation: Situation) -> Pathway:
    """Going home with a security plan, never with an arrest waiting or at high forward risk."""
    name, forward, facts = PathwayName.RETURN_WITH_PROTECTION, situation.forward, situation.facts
    if not (situation.abroad or situation.in_relocation or facts.relocation.status == "returned"):
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (say("pathways.return.not_left", gettext_noop("The defender has not left.")),),
        )
    arrest = any(p.stage in ("warrant", "convicted", "in_absentia") for p in facts.prosecutions)
    if arrest or _at_least(forward, RiskLevel.HIGH):
        why = (
            say("pathways.return.arrest", gettext_noop("a prosecution means arrest on arrival"))
            if arrest
            else say(
                "pathways.pull.risk_on_return",
                gettext_noop("risk on return is %(level)s"),
                level=Codes([forward.level]),
            )
        )
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (say("pathways.return.not_safe", gettext_noop("Not safe now: %(why)s."), why=why),),
        )
    return Pathway(
        name,
        Suitability.RECOMMENDED if facts.defender.intends_to_return else Suitability.POSSIBLE,
        (
            say(
                "pathways.return.with_plan",
                gettext_noop(
                    "Risk on return is %(level)s: return with a security plan, follow-up calls and network support."
                ),
                level=Codes([forward.level]),
            ),
        ),
        (
            say(
                "pathways.return.review",
                gettext_noop("Review risk on return shortly before travel."),
            ),
        ),
    )


ASYLUM_CAUTION = say(
    "pathways.asylum.caution",
    gettext_noop(
        "Seeking asylum is the defender's decision, after independent legal advice; it may end a programme stay and make return harder."
    ),
)


def asylum(situation: Situation) -> Pathway:
    """Follows the protection outcome; the decision to claim stays the defender's."""
    name, outcome = PathwayName.ASYLUM, situation.protection.outcome
    if outcome in POSITIVE_OUTCOMES:
        return Pathway(
            name,
            Suitability.RECOMMENDED,
            (
                say(
                    "pathways.protection_points_to",
                    gettext_noop("The protection assessment points to %(outcome)s."),
                    outcome=Codes([outcome]),
                ),
            ),
            (ASYLUM_CAUTION,),
        )
    if outcome == ProtectionOutcome.FURTHER_EVIDENCE_NEEDED:
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.asylum.open",
                    gettext_noop(
                        "The protection need is open: gather evidence and take legal advice."
                    ),
                ),
            ),
            (ASYLUM_CAUTION,),
        )
    if outcome == ProtectionOutcome.NOT_APPLICABLE:
        return Pathway(
            name,
            Suitability.NOT_SUITABLE,
            (
                say(
                    "pathways.asylum.in_own_country",
                    gettext_noop("Asylum can only be sought outside the country of nationality."),
                ),
            ),
        )
    return Pathway(
        name,
        Suitability.NOT_SUITABLE,
        (
            say(
                "pathways.asylum.no_need",
                gettext_noop("No protection need is shown on the facts recorded."),
            ),
        ),
    )


def resettlement(situation: Situation) -> Pathway:
    """For a refugee already outside their country."""
    name = PathwayName.RESETTLEMENT
    if situation.protection.outcome == ProtectionOutcome.REFUGEE and situation.abroad:
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.resettlement.possible",
                    gettext_noop(
                        "A refugee outside their country may be referred for resettlement (for example Canada's stream for defenders)."
                    ),
                ),
            ),
            (
                say(
                    "pathways.resettlement.caution",
                    gettext_noop(
                        "Resettlement usually needs recognition by UNHCR or the host state and takes months."
                    ),
                ),
            ),
        )
    return Pathway(
        name,
        Suitability.NOT_SUITABLE,
        (
            say(
                "pathways.resettlement.not_suitable",
                gettext_noop("Resettlement needs a recognised refugee outside their country."),
            ),
        ),
    )


def humanitarian_visa(situation: Situation) -> Pathway:
    """A visa to travel and seek protection, for a defender at high risk at home."""
    name, risk = PathwayName.HUMANITARIAN_VISA, situation.risk
    if not situation.abroad and _at_least(risk, RiskLevel.HIGH):
        return Pathway(
            name,
            Suitability.POSSIBLE,
            (
                say(
                    "pathways.humanitarian.possible",
                    gettext_noop(
                        "Risk is %(level)s in the country: a humanitarian visa allows travel to seek protection."
                    ),
                    level=Codes([risk.level]),
                ),
            ),
            (
                say(
                    "pathways.humanitarian.caution",
                    gettext_noop("Few states issue them, and decisions are slow."),
                ),
                *situation.travel_cautions,
            ),
        )
    return Pathway(
        name,
        Suitability.NOT_SUITABLE,
        (
            say("pathways.humanitarian.abroad", gettext_noop("The defender is abroad."))
            if situation.abroad
            else say(
                "pathways.humanitarian.risk",
                gettext_noop("Risk is %(level)s."),
                level=Codes([risk.level]),
            ),
        ),
    )


#: Every pathway rule, in the fixed order that breaks ties in the ranking.
PATHWAY_RULES: tuple[PathwayRule, ...] = (
    in_country_protection,
    internal_relocation,
    regional_relocation,
    temporary_international_relocation,
    extension,
    onward_relocation,
    return_with_protection,
    asylum,
    resettlement,
    humanitarian_visa,
)


def rank_pathways(
    facts: CaseFacts,
    *,
    risk: RiskAssessment,
    risk_on_return: RiskAssessment | None,
    protection: ProtectionAssessment,
) -> tuple[Pathway, ...]:
    """Every pathway with its suitability, reasons and cautions, best first."""
    abroad = is_outside_country_of_risk(facts)
    situation = Situation(
        facts=facts,
        risk=risk,
        risk_on_return=risk_on_return,
        protection=protection,
        abroad=abroad,
        in_relocation=facts.relocation.status == "in_relocation",
        state_persecutor=state_involved(facts),
        travel_cautions=_travel_cautions(facts, abroad),
    )
    wishes = facts.defender.wishes
    pathways = [rule(situation) for rule in PATHWAY_RULES]
    labelled = [
        Pathway(
            item.pathway,
            item.suitability,
            (*item.reasons, say("pathways.wished", gettext_noop("The defender wishes for this.")))
            if WISH_FOR_PATHWAY.get(item.pathway) in wishes
            and item.suitability != Suitability.NOT_SUITABLE
            else item.reasons,
            item.cautions,
        )
        for item in pathways
    ]
    order = {item.pathway: index for index, item in enumerate(pathways)}
    return tuple(
        sorted(
            labelled,
            key=lambda item: (
                SUITABILITY_ORDER.index(item.suitability),
                WISH_FOR_PATHWAY.get(item.pathway) not in wishes,
                order[item.pathway],
            ),
        )
    )
