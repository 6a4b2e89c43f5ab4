"""
What a case's stay tells the rest of Haven: the lifecycle requirements its records meet, and the
relocation facts the engines read. Registered with ``haven.cases.record_sources`` at start-up, so
``cases`` never imports this app and nobody enters the same fact twice.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef

from haven.cases.models import Case
from haven.cases.reading import (
    already_known,
    known_case_answer,
    read_once,
    register_case_question,
)
from haven.cases.record_sources import register_facts_contributor, register_requirement_source
from haven.domain.lifecycle import RelocationStatus, Requirement
from haven.domain.stay import Incident, incident_threats, relocation_facts, sur_place_facts
from haven.relocations.models import (
    CheckIn,
    Extension,
    ExtensionDecision,
    FollowUp,
    Preparation,
    ReturnPlan,
    ReturnReview,
    Stay,
    StayEvent,
    StayEventKind,
    VisaApplication,
    VisaOutcome,
)

#: The requirements a stay's records can meet; the case page never offers them as boxes to tick.
STAY_REQUIREMENTS = frozenset(
    {
        Requirement.PLACEMENT_ACCEPTED,
        Requirement.VISA_GRANTED_OR_NOT_NEEDED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
        Requirement.ARRIVAL_CONFIRMED,
        Requirement.WELLBEING_CHECK_IN_RECORDED,
        Requirement.EXTENSION_GRANTED,
        Requirement.RETURN_REVIEW_DONE,
        Requirement.DEFENDER_CHOOSES_RETURN,
        Requirement.RETURN_SECURITY_PLAN_RECORDED,
        Requirement.FOLLOW_UP_COMPLETED,
        Requirement.RELOCATION_OUTCOME_RECORDED,
    }
)


#: Whether the case has any stay, asked in the case page's case query: most cases have none, and
#: then the page reads no stay.
ANY_STAY = "relocations_any_stay"


def _any_stay() -> Exists:
    return Exists(Stay.objects.filter(case=OuterRef("pk")))


def _current_stay_key(case: Case) -> tuple[str, Any]:
    return ("current stay", case.pk)


def current_stay(case: Case) -> Stay | None:
    """
    The case's latest stay that was not cancelled; asked once per case page reading, where the
    lifecycle's requirements and several asylum panels all read it.
    """
    if known_case_answer(case, ANY_STAY) is False:
        return None
    return read_once(
        _current_stay_key(case),
        lambda: (
            Stay.objects.filter(case=case)
            .exclude(status=RelocationStatus.CANCELLED)
            .select_related("programme")
            .order_by("-created_at")
            .first()
        ),
    )


def requirements_met(case: Case) -> set[str]:
    """The lifecycle requirements the case's current stay shows to be met."""
    if known_case_answer(case, ANY_STAY) is False:
        already_known(_current_stay_key(case), None)
        return set()
    latest = Stay.objects.filter(case=case).select_related("programme").order_by("-created_at")
    stay = latest.first()
    if stay is not None and stay.status == RelocationStatus.CANCELLED:
        # The relocation did not go ahead, and its cancellation (ground, date) is on record.
        return {Requirement.RELOCATION_OUTCOME_RECORDED.value}
    # The latest stay, not cancelled, is the current stay: the page's reading need not ask again.
    already_known(_current_stay_key(case), stay)
    if stay is None:
        return set()
    met = {Requirement.PLACEMENT_ACCEPTED.value}
    visa = VisaApplication.objects.filter(stay=stay).order_by("-recorded_at").first()
    if visa is not None and visa.outcome in (VisaOutcome.GRANTED, VisaOutcome.NOT_REQUIRED):
        met.add(Requirement.VISA_GRANTED_OR_NOT_NEEDED.value)
    if Preparation.objects.filter(stay=stay, travel_plan_recorded=True).exists():
        met.add(Requirement.TRAVEL_SECURITY_PLAN_RECORDED.value)
    if stay.arrived_on is not None:
        met.add(Requirement.ARRIVAL_CONFIRMED.value)
    if CheckIn.objects.filter(stay=stay).exists():
        met.add(Requirement.WELLBEING_CHECK_IN_RECORDED.value)
    if Extension.objects.filter(stay=stay, decision=ExtensionDecision.GRANTED).exists():
        met.add(Requirement.EXTENSION_GRANTED.value)
    review = ReturnReview.objects.filter(stay=stay, decided_at__isnull=False).first()
    if review is not None:
        met.add(Requirement.RETURN_REVIEW_DONE.value)
        if review.defender_chooses_return:
            met.add(Requirement.DEFENDER_CHOOSES_RETURN.value)
    if ReturnPlan.objects.filter(stay=stay).exists():
        met.add(Requirement.RETURN_SECURITY_PLAN_RECORDED.value)
    follow_ups = list(FollowUp.objects.filter(stay=stay).values_list("done_on", flat=True))
    if follow_ups and all(done is not None for done in follow_ups):
        met.add(Requirement.FOLLOW_UP_COMPLETED.value)
    return met


def contribute(case: Case, facts: dict[str, Any]) -> None:
    """
    Write the stay into the case facts: the relocation part, where the defender is, incidents
    abroad as threats after departure, and public activity as sur place facts. Needs an open
    keyring (the facts are built inside one): the events are encrypted.
    """
    stay = current_stay(case)
    if stay is None:
        return
    visa = VisaApplication.objects.filter(stay=stay).order_by("-recorded_at").first()
    facts["relocation"] = relocation_facts(
        status=RelocationStatus(stay.status),
        programme_id=stay.programme.catalogue_id,
        host_country=stay.host_country,
        end=stay.planned_end,
        visa_route=visa.route if visa else None,
        requires_return=stay.programme.requires_return_intent,
        extensions_used=stay.extensions_used,
    )
    if stay.arrived_on is not None and stay.ended_on is None and stay.host_country:
        facts.setdefault("defender", {})["current_country"] = stay.host_country
    events = list(StayEvent.objects.filter(stay=stay).order_by("recorded_at"))
    incidents = [
        Incident(
            kind=event.details["type"],
            happened_on=datetime.date.fromisoformat(event.details["date"]),
            home_state_link=bool(event.details.get("home_state_link")),
            reported_to_police=bool(event.details.get("police_report")),
        )
        for event in events
        if event.kind == StayEventKind.INCIDENT
    ]
    public_activity = any(
        event.kind == StayEventKind.ACTIVITY and event.details.get("public") for event in events
    )
    threats = incident_threats(incidents)
    if threats:
        facts["threats"] = [*facts.get("threats", []), *threats]
    sur_place = sur_place_facts(public_activity=public_activity, incidents=incidents)
    if sur_place:
        claim = facts.setdefault("claim", {})
        claim["sur_place"] = {**claim.get("sur_place", {}), **sur_place}


def install() -> None:
    register_case_question(ANY_STAY, _any_stay)
    register_requirement_source(requirements_met, names={r.value for r in STAY_REQUIREMENTS})
    register_facts_contributor(contribute)
