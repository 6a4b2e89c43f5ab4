"""
Fictional defenders for the asylum-bridge tests (tension and deadlines), built through the real
services. Every person is invented; "Harbour Test Fellowship" is not a real programme.
"""

import datetime

from django.utils import timezone

from haven.programmes import services as programme_services
from haven.programmes.models import ApplicationRoute
from tests.acting import acting
from tests.programmes.factories import make_programme, open_fictional_case
from tests.programmes.fictional_facts import CRITICAL_THREATS
from tests.relocations.factories import arrived_stay


def journalist_facing_a_warrant(organisation, actor=None):
    """An in-country journalist at critical risk at home (the issue's example, fictional)."""
    return open_fictional_case(
        organisation,
        actor,
        name="Tomasa Villaverde",
        threats=CRITICAL_THREATS,
        visibility="high",
        profiles=["journalist"],
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
    programme = make_programme(
        organisation, catalogue_id=f"harbour_{country.lower()}", host_countries=[country]
    )
    return arrived_stay(
        organisation, coordinator, programme=programme, started_days_ago=arrived_days_ago
    )


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
