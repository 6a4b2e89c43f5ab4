"""
Tension, seen early: the words and the panels for ``haven.domain.return_tension``.

For one case and one programme, this gathers what the tension depends on (the programme's return
rule and asylum policy; the risk on return from the engines on the current facts and from the
latest recorded assessment; the staff's and the defender's own view of the risk; the defender's
stated intention and wishes) and puts the result in translated words with its sources. It adds a
panel to the case page (one per open application or current stay), to each application and to each
proposed placement of a matching run, through ``haven.cases.panels``. Every panel checks that the
member may see the case; host partners, analysts and other organisations never reach one.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Assessment, Case
from haven.cases.panels import Panel, register_panel
from haven.cases.reading import case_answer, register_case_question
from haven.cases.selectors import case_facts, latest_assessment
from haven.cases.vocabulary import term
from haven.domain.facts import FactsError, parse_facts
from haven.domain.pathways import IN_PROGRAMME
from haven.domain.return_tension import (
    Owed,
    Pull,
    ReturnTension,
    TensionInput,
    most_severe,
    return_tension,
)
from haven.domain.risk import assess_risk_on_return
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.programmes.models import Application, ApplicationStatus, Programme
from haven.programmes.services import OPEN_STATUSES
from haven.reference import civicus_ratings
from haven.relocations.case_records import current_stay
from haven.vault.keyring import keyring_scope

TEMPLATE = "asylum/_tension.html"

#: Applications whose programme the defender may still go to: the open ones, and one accepted.
LIVE_APPLICATION_STATUSES = OPEN_STATUSES | {ApplicationStatus.ACCEPTED}

#: Whether the case has a live application, asked in the case page's case query: most cases have
#: none, and then the panel reads no application.
LIVE_APPLICATION = "programmes_live_application"


def _live_application() -> Exists:
    return Exists(
        Application.objects.filter(case=OuterRef("pk"), status__in=LIVE_APPLICATION_STATUSES)
    )


HEADING_EXPECTS = _("This programme expects return, but the defender may not be able to go back")
HEADING_UNKNOWN = _(
    "This programme may expect return (its rule is not recorded), and the defender may not be "
    "able to go back"
)

PULL_WORDS = {
    Pull.RISK_ON_RETURN: _("The risk on return is %(level)s (%(source)s)."),
    Pull.STAFF_RISK: _("The staff recorded the risk as %(level)s in the latest assessment."),
    Pull.OWN_VIEW: _("The defender's own view of their risk is %(level)s."),
    Pull.NO_INTENTION_TO_RETURN: _("The defender does not intend to return."),
    Pull.WISHES_ELSEWHERE: _("The defender wishes for: %(wishes)s."),
}

SOURCE_ENGINE = _("the engines on the current facts")
SOURCE_ASSESSMENT = _("the latest recorded assessment")

OWED_WORDS = {
    Owed.ASK_POLICY: _(
        "Ask the programme for its asylum policy: it is not recorded, and the defender must know "
        "it before deciding."
    ),
    Owed.INFORMED_CONSENT: _(
        "Informed consent: before departure, tell the defender what the programme does if a claim "
        "is made, and repeat it at the return review and after serious incidents."
    ),
    Owed.INDEPENDENT_ADVICE: _(
        "Offer independent legal advice, from counsel independent of the programme, the host and "
        "the funder."
    ),
    Owed.NO_PRESSURE: _(
        "No pressure either way: do not discourage a claim, and do not steer towards one; many "
        "defenders want to go home."
    ),
    Owed.NO_ABRUPT_CUT_OFF: _(
        "No abrupt cut-off: if support ends, give notice and hand over to legal aid and state "
        "reception."
    ),
    Owed.CONFIDENTIALITY: _(
        "Confidentiality: that the defender is considering asylum never reaches the host or the "
        "funder without their explicit consent."
    ),
}

OWED_SOURCES = {
    Owed.ASK_POLICY: "Jones (2015), International Journal of Human Rights 19(7)",
    Owed.INFORMED_CONSENT: "Barcelona Guidelines (2019); York university guidelines (2025)",
    Owed.INDEPENDENT_ADVICE: "York university guidelines (2025); Jones (2015)",
    Owed.NO_PRESSURE: "UDHR art 14(1); EU Charter art 18; York university guidelines (2025)",
    Owed.NO_ABRUPT_CUT_OFF: "York university guidelines (2025)",
    Owed.CONFIDENTIALITY: "Asylum Procedures Directive art 30 (by analogy)",
}

RIGHT_CANNOT_BE_WAIVED = _(
    "The right to seek asylum cannot be signed away: a programme may decide what it funds, never "
    "make the defender's safety depend on silence."
)


@dataclass(frozen=True)
class TensionView:
    """A flagged tension for one programme, in words."""

    programme: Programme
    heading: str
    pulls: tuple[str, ...]
    owed: tuple[tuple[str, str], ...]
    asylum_policy: str | None
    before_submission: bool
    finding: ReturnTension


def _engine_on_return(facts: dict[str, Any]) -> str | None:
    """The risk engine's level on return, as if the defender were heading to this programme."""
    facts = {**facts, "relocation": dict(facts.get("relocation") or {})}
    if facts["relocation"].get("status") not in IN_PROGRAMME:
        facts["relocation"]["status"] = "applied"
    try:
        parsed = parse_facts(facts)
    except FactsError:
        return None
    on_return = assess_risk_on_return(parsed, civic_space_ratings=civicus_ratings())
    return on_return.level.value if on_return is not None else None


def _recorded_levels(assessment: Assessment | None, facts: dict[str, Any]) -> dict[str, Any]:
    if assessment is None:
        return {"on_return": None, "staff": None, "own": None}
    output = assessment.output or {}
    on_return = (output.get("risk_on_return") or {}).get("level")
    defender = facts.get("defender") or {}
    context = facts.get("context") or {}
    at_home = defender.get("current_country") and defender.get("current_country") == context.get(
        "country"
    )
    if on_return is None and at_home:
        # In the country of risk, the risk now is what a return after the stay would meet.
        on_return = (output.get("risk") or {}).get("level")
    return {
        "on_return": on_return,
        "staff": assessment.staff_risk_level,
        "own": assessment.defender_risk_level,
    }


@dataclass(frozen=True)
class CaseSide:
    """The defender's side of the tension, read once per case and reused for every programme."""

    risk_on_return: str | None
    source: str
    staff_risk: str | None
    own_risk: str | None
    intends_to_return: bool | None
    wishes: frozenset[str]


def case_side(*, membership: Membership, case: Case) -> CaseSide:
    """Read the case's facts and latest assessment, and run the risk engine on return once."""
    with keyring_scope():
        facts = case_facts(membership=membership, case=case, assessed_on=timezone.localdate())
        latest = latest_assessment(membership=membership, case=case)
        recorded = _recorded_levels(latest, facts)
    engine = _engine_on_return(facts)
    on_return = most_severe((engine, recorded["on_return"]))
    defender = facts.get("defender") or {}
    return CaseSide(
        risk_on_return=on_return,
        source=str(SOURCE_ENGINE if on_return == engine else SOURCE_ASSESSMENT),
        staff_risk=recorded["staff"],
        own_risk=most_severe((defender.get("own_risk_level"), recorded["own"])),
        intends_to_return=defender.get("intends_to_return"),
        wishes=frozenset(defender.get("wishes") or ()),
    )


def tension_input(side: CaseSide, programme: Programme) -> TensionInput:
    """What the tension depends on for one defender and one programme."""
    return TensionInput(
        expects_return=programme.requires_return_intent,
        asylum_policy_recorded=bool((programme.asylum_policy or "").strip()),
        risk_on_return=side.risk_on_return,
        staff_risk=side.staff_risk,
        own_risk=side.own_risk,
        intends_to_return=side.intends_to_return,
        wishes=side.wishes,
    )


def tension_view(
    *,
    membership: Membership,
    case: Case,
    programme: Programme,
    before_submission: bool = False,
    side: CaseSide | None = None,
) -> TensionView | None:
    """The tension between ``case`` and ``programme`` in words, or ``None`` when there is none."""
    side = side or case_side(membership=membership, case=case)
    data = tension_input(side, programme)
    source = side.source
    finding = return_tension(data)
    if not finding.flag:
        return None
    levels = {
        Pull.RISK_ON_RETURN: data.risk_on_return,
        Pull.STAFF_RISK: data.staff_risk,
        Pull.OWN_VIEW: data.own_risk,
    }
    pulls = []
    for pull in finding.pulls:
        params = {
            "level": term(levels.get(pull)),
            "source": source,
            "wishes": ", ".join(term(wish) for wish in finding.wishes_away),
        }
        pulls.append(str(PULL_WORDS[pull]) % params)
    return TensionView(
        programme=programme,
        heading=str(HEADING_EXPECTS if finding.return_rule_recorded else HEADING_UNKNOWN),
        pulls=tuple(pulls),
        owed=tuple((str(OWED_WORDS[item]), OWED_SOURCES[item]) for item in finding.owed),
        asylum_policy=(programme.asylum_policy or "").strip() or None,
        before_submission=before_submission,
        finding=finding,
    )


def _panel(views: list[TensionView], *, case_code: str = "") -> Panel | None:
    if not views:
        return None
    context = {"tensions": views, "right": RIGHT_CANNOT_BE_WAIVED, "case_code": case_code}
    return Panel(TEMPLATE, context)


def case_panel(membership: Membership, case: Case, subject: Any) -> Panel | None:
    """The case page: one tension per programme the defender has applied to or is staying at."""
    if not may(membership, Permission.CASE_VIEW, case):
        return None
    programmes: dict[Any, Programme] = {}
    applications = (
        Application.objects.filter(case=case, status__in=LIVE_APPLICATION_STATUSES).select_related(
            "programme"
        )
        if case_answer(case, LIVE_APPLICATION)
        else []
    )
    for application in applications:
        programmes.setdefault(application.programme_id, application.programme)
    stay = current_stay(case)
    if stay is not None and stay.ended_on is None:
        programmes.setdefault(stay.programme_id, stay.programme)
    if not programmes:
        return None
    side = case_side(membership=membership, case=case)
    views = [
        tension_view(membership=membership, case=case, programme=programme, side=side)
        for programme in programmes.values()
    ]
    return _panel([view for view in views if view is not None])


def application_panel(membership: Membership, case: Case, subject: Any) -> Panel | None:
    """One application: flagged before it is submitted, and kept in view afterwards."""
    if not isinstance(subject, Application) or not may(membership, Permission.CASE_VIEW, case):
        return None
    view = tension_view(
        membership=membership,
        case=case,
        programme=subject.programme,
        before_submission=subject.status == ApplicationStatus.DRAFT,
    )
    return _panel([view] if view is not None else [])


def placement_panel(membership: Membership, case: Case, subject: Any) -> Panel | None:
    """One proposed placement of a matching run: the subject is the placement's programme."""
    if not isinstance(subject, Programme) or not may(membership, Permission.CASE_VIEW, case):
        return None
    view = tension_view(membership=membership, case=case, programme=subject)
    return _panel([view] if view is not None else [], case_code=case.code)


def install() -> None:
    register_case_question(LIVE_APPLICATION, _live_application)
    register_panel("case", case_panel)
    register_panel("application", application_panel)
    register_panel("matching_placement", placement_panel)
