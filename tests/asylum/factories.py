"""
Fictional asylum-bridge records for the tests, built through the real services. Every person and
programme is invented ("Harbour Test Fellowship" is not a real programme). The tension and
deadline tests use the defenders near the end.
"""

import datetime

from django.utils import timezone

from haven.asylum import services
from haven.asylum.models import ConsentDecision, ExplainedTopic
from haven.cases.services import case_open
from haven.programmes import services as programme_services
from haven.programmes.models import ApplicationRoute, Programme
from haven.relocations import returns
from haven.relocations import services as stay_services
from tests.acting import acting
from tests.programmes.factories import assign, make_programme
from tests.programmes.fictional_facts import fictional_facts
from tests.relocations.factories import arrived_stay, days_ago, membership_of

ALL_TOPICS = {
    ExplainedTopic.PROGRAMME_POLICY: "Read the policy aloud; she asked whether the stipend stops.",
    ExplainedTopic.STIPEND: "",
    ExplainedTopic.HOUSING: "",
    ExplainedTopic.VISA: "The Dutch visa would make the Netherlands responsible.",
    ExplainedTopic.RIGHT_NOT_WAIVABLE: "Nothing she signed can take the right away.",
    ExplainedTopic.INDEPENDENT_ADVICE: "Gave the number of a fictional legal-aid clinic.",
}


def stay_in_review(organisation, coordinator, *, decision="asylum"):
    """An arrived stay whose return review is open and decided (for asylum by default)."""
    stay = arrived_stay(organisation, coordinator, started_days_ago=80)
    member = membership_of(coordinator, organisation)
    stay_services.check_in_record(
        membership=member, stay=stay, done_on=days_ago(70), mode="call", flags=[]
    )
    returns.return_review_open(
        membership=member, stay=stay, staff_risk_level="high", defender_risk_level="critical"
    )
    returns.return_review_decide(
        membership=member,
        stay=stay,
        options=["return", "asylum"],
        defender_preference="asylum",
        staff_decision=decision,
        legal_advice_offered=True,
    )
    return stay


def record_conversation(member, case, *, decision=ConsentDecision.SEEK_ASYLUM, **overrides):
    values = {
        "held_on": timezone.localdate() - datetime.timedelta(days=1),
        "explained": dict(ALL_TOPICS),
        "explained_by": member,
        "language": "Spanish",
        "interpreter": "",
        "decision": decision,
        "wishes": "I want to stay safe and keep working for the river communities.",
        "no_pressure_attested": True,
    }
    values.update(overrides)
    return services.consent_conversation_record(membership=member, case=case, **values)


def lodge(member, case, *, on=None, **overrides):
    values = {
        "kind": "lodged",
        "happened_on": on or days_ago(5),
        "state": "NL",
        "authority": "Fictional registration centre",
        "reference": "FICT-0001",
        "dependants": 0,
    }
    values.update(overrides)
    return services.procedure_step_record(
        membership=member, case=case, step=services.StepInput(**values)
    )


def legal_adviser_on(case, user):
    assign(case, user)
    return membership_of(user, case.organisation)


#: The issue's example: a warrant on a terrorism charge for peaceful reporting, up to 15 years.
WARRANT = {
    "charge": "terrorism",
    "stage": "warrant",
    "max_penalty_years": 15,
    "underlying_activity_protected": True,
    "fair_trial_available": False,
}


def journalist_facing_a_warrant(organisation, actor=None):
    """An in-country journalist facing a 15-year warrant at home (the issue's example, fictional)."""
    facts = fictional_facts(
        threats=[], profiles=["journalist"], activities=["press_freedom"], visibility="high"
    )
    facts["prosecutions"] = [WARRANT]
    return case_open(
        membership=acting(actor),
        organisation=organisation,
        identity={"legal_name": "Tomasa Villaverde (fictional)"},
        facts=facts,
    )


def draft_application(actor, case, programme):
    """A draft application, not yet consented to or submitted."""
    return programme_services.application_create(
        membership=acting(actor),
        case=case,
        programme=programme,
        intake_window=None,
        route=ApplicationRoute.APPLIED,
        preference_rank=1,
    )


def stay_in(organisation, coordinator, country: str, *, arrived_days_ago: int):
    """A stay in ``country`` whose arrival was confirmed ``arrived_days_ago`` days ago."""
    catalogue_id = f"harbour_{country.lower()}"
    programme = Programme.objects.filter(
        organisation=organisation, catalogue_id=catalogue_id
    ).first() or make_programme(organisation, catalogue_id=catalogue_id, host_countries=[country])
    return arrived_stay(
        organisation, coordinator, programme=programme, started_days_ago=arrived_days_ago
    )


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
