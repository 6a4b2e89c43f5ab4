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

from collections.abc import Mapping
from dataclasses import dataclass

from haven.domain.facts import CaseFacts
from haven.domain.protection import POSITIVE_OUTCOMES, ProtectionAssessment, state_involved
from haven.domain.risk import RiskAssessment, is_outside_country_of_risk, level_rank

IN_PROGRAMME = ("applied", "accepted", "in_relocation")
SUITABILITY_ORDER = ("recommended", "possible", "not_suitable")

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
    status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Pathway:
    pathway: str
    suitability: str
    reasons: tuple[str, ...]
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tension:
    flag: bool
    reasons: tuple[str, ...]
    actions: tuple[str, ...]


def _at_least(risk: RiskAssessment | None, level: str) -> bool:
    return risk is not None and level_rank(risk.level) >= level_rank(level)


def programme_expects_return(facts: CaseFacts, catalogue_rule: bool | None) -> bool | None:
    """Whether the defender's programme expects return: the facts first, then the catalogue."""
    if facts.relocation.programme_requires_return is not None:
        return facts.relocation.programme_requires_return
    return catalogue_rule


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
            pulls.append("the defender does not intend to return")
        if _at_least(risk_on_return, "high"):
            pulls.append(f"risk on return is {risk_on_return.level if risk_on_return else ''}")
        if protection.outcome in POSITIVE_OUTCOMES:
            pulls.append(
                f"the protection assessment points to {protection.outcome.replace('_', ' ')}"
            )
        where = {
            "applied": "has applied to",
            "accepted": "is accepted by",
            "in_relocation": "is on",
        }[status or ""]
        base = (
            f"The defender {where} a relocation programme"
            + (f" ({facts.relocation.programme_id})" if facts.relocation.programme_id else "")
            + "."
        )
        if pulls and expects_return is not False:
            expectation = "expects return" if expects_return else "may expect return (not recorded)"
            relocation = Standing(
                "contested", (base, f"The programme {expectation}, but " + "; ".join(pulls) + ".")
            )
        else:
            relocation = Standing("within", (base,))
    elif status == "returned":
        relocation = Standing(
            "outside",
            (
                "The defender has returned from relocation; follow-up and risk on return matter now.",
            ),
        )
    else:
        relocation = Standing(
            "outside",
            (
                "The defender is not in or applying to a relocation programme."
                if status == "none"
                else "No relocation is recorded.",
            ),
        )

    outcome = protection.outcome
    if outcome in POSITIVE_OUTCOMES:
        refugee = Standing(
            "within",
            (
                f"The protection assessment points to {outcome.replace('_', ' ')}.",
                *protection.reasons,
            ),
        )
    elif outcome == "further_evidence_needed":
        refugee = Standing(
            "contested",
            ("Whether the defender needs international protection is open.", *protection.reasons),
        )
    else:
        refugee = Standing(
            "outside",
            (f"The protection assessment gives {outcome.replace('_', ' ')}.", *protection.reasons),
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
            ("The defender is not in or heading to a relocation programme that expects return.",),
            (),
        )
    if expects_return is False:
        return Tension(False, ("The programme does not expect the defender to return.",), ())
    pulls = []
    if _at_least(risk_on_return, "high"):
        pulls.append(f"risk on return is {risk_on_return.level if risk_on_return else ''}")
    if protection.outcome in POSITIVE_OUTCOMES:
        pulls.append(f"the protection assessment points to {protection.outcome.replace('_', ' ')}")
    if defender.intends_to_return is False:
        pulls.append("the defender does not intend to return")
    if set(defender.wishes) & {"asylum", "resettlement", "onward_relocation"}:
        pulls.append(
            "the defender wishes for "
            + ", ".join(
                sorted(set(defender.wishes) & {"asylum", "resettlement", "onward_relocation"})
            ).replace("_", " ")
        )
    if not pulls:
        return Tension(
            False, ("The programme expects return and nothing recorded stands against it.",), ()
        )
    expectation = (
        "expects return" if expects_return else "may expect return (its rule is not recorded)"
    )
    reasons = [f"The programme {expectation}, but " + "; ".join(pulls) + "."]
    if defender.intends_to_return and protection.outcome in POSITIVE_OUTCOMES:
        reasons.append(
            "The defender intends to return although protection is indicated: respect their choice, and make sure it is informed."
        )
    days_left = _days_left(facts)
    deadline = ""
    if days_left is not None and facts.relocation.end_date is not None:
        deadline = f" before the stay ends on {facts.relocation.end_date.isoformat()} ({days_left} days left)"
    policy = (
        f" The programme's asylum policy: {asylum_policy}"
        if asylum_policy
        else " The programme's asylum policy is not recorded: ask the programme and tell the defender."
    )
    actions = [
        f"Tell the defender of their right to seek asylum and of the programme's asylum policy{deadline}.{policy}",
        "Refer the defender to independent legal advice on asylum and complementary protection in the host country.",
        "Record the defender's informed consent to whatever they decide: return, extension, onward relocation or asylum.",
        _visa_action(facts),
    ]
    return Tension(True, tuple(reasons), tuple(actions))


def _visa_action(facts: CaseFacts) -> str:
    visa = facts.relocation.visa
    host = facts.relocation.host_country or "the host country"
    if visa in ("short_stay", "visa_free"):
        return f"Check what the {visa.replace('_', ' ')} status allows in {host}: it rarely allows a change of status, but an asylum claim can be made from any status."
    if visa in ("long_stay", "residence_permit"):
        return f"Check what the {visa.replace('_', ' ')} in {host} allows: whether it can be extended or changed, and how an asylum claim would affect it."
    return f"Check what the defender's visa or status in {host} allows (not recorded)."


def rank_pathways(
    facts: CaseFacts,
    *,
    risk: RiskAssessment,
    risk_on_return: RiskAssessment | None,
    protection: ProtectionAssessment,
    expects_return: bool | None,
) -> tuple[Pathway, ...]:
    """Every pathway with its suitability, reasons and cautions, best first."""
    defender = facts.defender
    context = facts.context
    relocation = facts.relocation
    abroad = is_outside_country_of_risk(facts)
    in_relocation = relocation.status == "in_relocation"
    state = state_involved(facts)
    forward = risk_on_return or risk
    travel_cautions = []
    if defender.travel_ban:
        travel_cautions.append("A travel ban may stop the defender leaving through official exits.")
    if defender.valid_passport is False:
        travel_cautions.append("The defender has no valid passport.")
    if defender.valid_passport is None and not abroad:
        travel_cautions.append("Whether the defender holds a valid passport is not recorded.")
    pathways: list[Pathway] = []

    # In-country protection
    if abroad:
        pathways.append(
            Pathway(
                "in_country_protection",
                "not_suitable",
                ("The defender is abroad; see return with protection.",),
            )
        )
    elif risk.level == "critical" or (state and context.civic_space in ("repressed", "closed")):
        pathways.append(
            Pathway(
                "in_country_protection",
                "not_suitable",
                (
                    f"Risk is {risk.level}"
                    + (
                        " and the state is the persecutor in a repressed or closed civic space"
                        if state
                        else ""
                    )
                    + ": protective measures at home are unlikely to be enough.",
                ),
            )
        )
    else:
        suitability = "recommended" if risk.level in ("low", "medium") else "possible"
        reasons = [
            f"Risk is {risk.level}: protective measures at home (security plan, accompaniment, legal support, networks) can reduce it."
        ]
        if context.national_protection_mechanism == "effective":
            reasons.append("The national protection mechanism is effective.")
        pathways.append(Pathway("in_country_protection", suitability, tuple(reasons)))

    # Internal relocation
    ifa = protection.elements["internal_relocation"]
    if abroad:
        pathways.append(
            Pathway("internal_relocation", "not_suitable", ("The defender is already abroad.",))
        )
    elif ifa.finding == "not_met":
        pathways.append(
            Pathway(
                "internal_relocation",
                "possible" if risk.level != "critical" else "not_suitable",
                ifa.reasons,
            )
        )
    else:
        pathways.append(
            Pathway(
                "internal_relocation",
                "not_suitable" if ifa.finding == "met" else "possible",
                ifa.reasons,
                () if ifa.finding == "met" else ("Complete the safe-area facts first.",),
            )
        )

    # Regional relocation
    if abroad:
        pathways.append(
            Pathway(
                "regional_relocation",
                "not_suitable",
                ("The defender is already abroad; see onward relocation.",),
            )
        )
    elif level_rank(risk.level) >= level_rank("medium"):
        cautions = [*travel_cautions]
        if context.diaspora_monitored:
            cautions.append(
                "The persecutor watches defenders abroad; a neighbouring country may be within reach."
            )
        pathways.append(
            Pathway(
                "regional_relocation",
                "possible",
                (
                    f"Risk is {risk.level}: a stay in the region keeps the defender close to their work and community.",
                ),
                tuple(cautions),
            )
        )
    else:
        pathways.append(Pathway("regional_relocation", "not_suitable", ("Risk is low.",)))

    # Temporary international relocation
    if in_relocation:
        pathways.append(
            Pathway(
                "temporary_international_relocation",
                "not_suitable",
                (
                    "The defender is already on a relocation programme; see extension and onward relocation.",
                ),
            )
        )
    elif level_rank(forward.level) >= level_rank("medium"):
        cautions = [*travel_cautions]
        if defender.intends_to_return is False:
            cautions.append(
                "Relocation programmes expect return; the defender does not intend to return. Explain programme asylum policies before they apply."
            )
        if _at_least(risk_on_return, "critical"):
            cautions.append(
                "Risk on return is critical: a short stay followed by return may not be safe."
            )
        suitability = (
            "recommended"
            if level_rank(risk.level) >= level_rank("high")
            and defender.intends_to_return is not False
            else "possible"
        )
        pathways.append(
            Pathway(
                "temporary_international_relocation",
                suitability,
                (
                    f"Risk is {risk.level}: a temporary stay abroad gives respite and keeps the work going.",
                ),
                tuple(cautions),
            )
        )
    else:
        pathways.append(
            Pathway("temporary_international_relocation", "not_suitable", ("Risk is low.",))
        )

    # Extension
    if in_relocation:
        days_left = _days_left(facts)
        reasons = []
        if _at_least(risk_on_return, "high"):
            reasons.append(
                f"Risk on return is {risk_on_return.level if risk_on_return else ''}: more time abroad is safer while other options are prepared."
            )
            suitability = "recommended"
        else:
            reasons.append("An extension gives time to prepare a safe return.")
            suitability = "possible"
        if days_left is not None:
            reasons.append(f"The stay ends in {days_left} days.")
        extension_cautions: tuple[str, ...] = ()
        if relocation.extensions_used:
            extension_cautions = (f"{relocation.extensions_used} extension(s) already used.",)
        pathways.append(Pathway("extension", suitability, tuple(reasons), extension_cautions))
    else:
        pathways.append(
            Pathway(
                "extension", "not_suitable", ("The defender is not on a relocation programme.",)
            )
        )

    # Onward relocation
    if abroad or in_relocation:
        if _at_least(forward, "high") or "onward_relocation" in defender.wishes:
            cautions = []
            if context.diaspora_monitored:
                cautions.append(
                    "The persecutor watches defenders abroad: choose a host beyond its reach."
                )
            pathways.append(
                Pathway(
                    "onward_relocation",
                    "recommended" if _at_least(forward, "high") else "possible",
                    (
                        f"Risk on return is {forward.level}: a further stay in another country keeps the defender away from it.",
                    ),
                    tuple(cautions),
                )
            )
        else:
            pathways.append(
                Pathway(
                    "onward_relocation",
                    "possible",
                    ("An onward stay is an option if return is delayed.",),
                )
            )
    else:
        pathways.append(
            Pathway("onward_relocation", "not_suitable", ("The defender is not abroad.",))
        )

    # Return with protection
    if abroad or in_relocation or relocation.status == "returned":
        arrest = any(p.stage in ("warrant", "convicted", "in_absentia") for p in facts.prosecutions)
        if arrest or _at_least(forward, "high"):
            why = (
                "a prosecution means arrest on arrival"
                if arrest
                else f"risk on return is {forward.level}"
            )
            pathways.append(
                Pathway("return_with_protection", "not_suitable", (f"Not safe now: {why}.",))
            )
        else:
            suitability = "recommended" if defender.intends_to_return else "possible"
            pathways.append(
                Pathway(
                    "return_with_protection",
                    suitability,
                    (
                        f"Risk on return is {forward.level}: return with a security plan, follow-up calls and network support.",
                    ),
                    ("Review risk on return shortly before travel.",),
                )
            )
    else:
        pathways.append(
            Pathway("return_with_protection", "not_suitable", ("The defender has not left.",))
        )

    # Asylum
    outcome = protection.outcome
    asylum_cautions = (
        "Seeking asylum is the defender's decision, after independent legal advice; it may end a programme stay and make return harder.",
    )
    if outcome in POSITIVE_OUTCOMES:
        pathways.append(
            Pathway(
                "asylum",
                "recommended",
                (f"The protection assessment points to {outcome.replace('_', ' ')}.",),
                asylum_cautions,
            )
        )
    elif outcome == "further_evidence_needed":
        pathways.append(
            Pathway(
                "asylum",
                "possible",
                ("The protection need is open: gather evidence and take legal advice.",),
                asylum_cautions,
            )
        )
    elif outcome == "not_applicable":
        pathways.append(
            Pathway(
                "asylum",
                "not_suitable",
                ("Asylum can only be sought outside the country of nationality.",),
            )
        )
    else:
        pathways.append(
            Pathway(
                "asylum", "not_suitable", ("No protection need is shown on the facts recorded.",)
            )
        )

    # Resettlement
    if outcome == "refugee" and abroad:
        pathways.append(
            Pathway(
                "resettlement",
                "possible",
                (
                    "A refugee outside their country may be referred for resettlement (for example Canada's stream for defenders).",
                ),
                (
                    "Resettlement usually needs recognition by UNHCR or the host state and takes months.",
                ),
            )
        )
    else:
        pathways.append(
            Pathway(
                "resettlement",
                "not_suitable",
                ("Resettlement needs a recognised refugee outside their country.",),
            )
        )

    # Humanitarian visa
    if not abroad and _at_least(risk, "high"):
        pathways.append(
            Pathway(
                "humanitarian_visa",
                "possible",
                (
                    f"Risk is {risk.level} in the country: a humanitarian visa allows travel to seek protection.",
                ),
                ("Few states issue them, and decisions are slow.", *travel_cautions),
            )
        )
    else:
        pathways.append(
            Pathway(
                "humanitarian_visa",
                "not_suitable",
                ("The defender is abroad." if abroad else f"Risk is {risk.level}.",),
            )
        )

    labelled = [
        Pathway(
            item.pathway,
            item.suitability,
            (*item.reasons, "The defender wishes for this.")
            if WISH_FOR_PATHWAY.get(item.pathway) in defender.wishes
            and item.suitability != "not_suitable"
            else item.reasons,
            item.cautions,
        )
        for item in pathways
    ]
    order = {name: index for index, name in enumerate(item.pathway for item in pathways)}
    return tuple(
        sorted(
            labelled,
            key=lambda item: (
                SUITABILITY_ORDER.index(item.suitability),
                WISH_FOR_PATHWAY.get(item.pathway) not in defender.wishes,
                order[item.pathway],
            ),
        )
    )
