"""
The programmes demo seed: each demo organisation's catalogue, a few open intake windows, and,
when the demo already has cases, submitted applications waiting for a matching run.

It runs after the cases seeder (``haven.demo.SEEDERS``) and applies for cases whose lifecycle
has reached the point where a pathway is chosen: applying, pathway planning or assessment.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from haven.accounts.acting import SYSTEM, Acting
from haven.cases.models import Case, CaseStatus
from haven.demo import DemoLogin, require_demo_settings
from haven.organisations.models import Membership, Organisation, Role
from haven.programmes.models import Application, ApplicationRoute, IntakeWindow, Programme
from haven.programmes.services import (
    application_change_status,
    application_create,
    application_record_consent,
    intake_window_save,
    programme_catalogue_seed,
)

#: Catalogue ids that get a demo intake window, with its places and beds.
DEMO_WINDOWS = {
    "shelter_city_nl": {"places": 3, "beds": 3},
    "shelter_city_georgia": {"places": 2, "beds": 5},
    "shelter_city_costa_rica": {"places": 2, "beds": 2},
}
DEMO_APPLICATIONS = 6
#: Lifecycle statuses of demo cases that apply to a programme, the furthest along first.
APPLYING_STATUSES = (CaseStatus.APPLYING, CaseStatus.PATHWAY_PLANNING, CaseStatus.ASSESSMENT)


def _demo_window(programme: Programme) -> None:
    if IntakeWindow.objects.filter(programme=programme).exists():
        return
    year = timezone.localdate().year + 1
    intake_window_save(
        membership=SYSTEM,
        programme=programme,
        data={
            "name": f"Spring {year} cohort (demo)",
            "opens_on": datetime.date(year, 1, 1),
            "closes_on": datetime.date(year, 2, 15),
            "stay_starts_on": datetime.date(year, 4, 1),
            "stay_ends_on": datetime.date(year, 6, 30),
            "host_country": "",
            "capacities": dict(DEMO_WINDOWS[programme.catalogue_id]),
            "status": "open",
        },
    )


def _demo_applications(organisation: Organisation) -> None:
    if Application.objects.filter(organisation=organisation).exists():
        return
    caseworker = (
        Membership.objects.filter(organisation=organisation, role=Role.CASEWORKER)
        .select_related("user")
        .first()
    )
    actor: Acting = caseworker or SYSTEM
    programmes = list(
        Programme.objects.filter(organisation=organisation, catalogue_id__in=DEMO_WINDOWS)
    )
    candidates = Case.objects.filter(organisation=organisation, status__in=APPLYING_STATUSES)
    cases = sorted(
        candidates, key=lambda case: (APPLYING_STATUSES.index(case.status), case.created_at)
    )[:DEMO_APPLICATIONS]
    if not programmes:
        return
    for index, case in enumerate(cases):
        programme = programmes[index % len(programmes)]
        application = application_create(
            membership=actor,
            case=case,
            programme=programme,
            route=ApplicationRoute.NOMINATED,
            preference_rank=1,
        )
        application_record_consent(membership=actor, application=application)
        application_change_status(membership=actor, application=application, status="submitted")


@transaction.atomic
def seed_programmes() -> list[DemoLogin]:
    """Seed every demo organisation's catalogue and windows (once); no new logins."""
    require_demo_settings()
    for organisation in Organisation.objects.order_by("slug"):
        programme_catalogue_seed(membership=SYSTEM, organisation=organisation)
        for programme in Programme.objects.filter(
            organisation=organisation, catalogue_id__in=DEMO_WINDOWS
        ):
            _demo_window(programme)
        _demo_applications(organisation)
    return []
