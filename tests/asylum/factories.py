"""
Fictional defenders for the asylum-bridge tests (tension and deadlines), built through the real
services. Every person is invented; "Harbour Test Fellowship" is not a real programme.
"""

import datetime

from django.utils import timezone

from haven.cases.services import case_open
from haven.programmes import services as programme_services
from haven.programmes.models import ApplicationRoute, Programme
from tests.acting import acting
from tests.programmes.factories import make_programme
from tests.programmes.fictional_facts import fictional_facts
from tests.relocations.factories import arrived_stay

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
