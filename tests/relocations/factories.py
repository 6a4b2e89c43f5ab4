"""
Fictional stays for the relocation tests, built through the real services. "Harbour Test
Fellowship" is not a real programme and every person is invented.
"""

import datetime

from django.utils import timezone

from haven.accounts.acting import SYSTEM
from haven.accounts.models import User
from haven.cases.models import Case, CaseStatus, Dependant
from haven.organisations.models import Membership, Role
from haven.programmes import services as programme_services
from haven.programmes.models import Programme
from haven.relocations import returns, services
from tests.acting import acting
from tests.conftest import make_member
from tests.programmes.factories import (
    assign,
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)


def membership_of(user: User, organisation=None) -> Membership:
    memberships = Membership.objects.filter(user=user)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.select_related("organisation", "user").get()


def programme_with_maximum(organisation, months: float = 6, **fields) -> Programme:
    return Programme.objects.filter(
        organisation=organisation, catalogue_id="harbour_test_fellowship"
    ).first() or make_programme(organisation, duration_months_max=months, **fields)


def offered_application(
    organisation, coordinator, *, programme=None, caseworker=None, dependants=None
):
    """A case at "applying" whose application was shortlisted and offered a place."""
    programme = programme or programme_with_maximum(organisation)
    window = make_window(programme, coordinator)
    facts = {"dependants": dependants} if dependants is not None else {}
    case = open_fictional_case(organisation, coordinator, **facts)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.APPLYING)
    if caseworker is not None:
        assign(case, caseworker)
    application = submitted_application(coordinator, case, programme, window)
    for status in ("shortlisted", "offered"):
        application = programme_services.application_change_status(
            membership=acting(coordinator), application=application, status=status
        )
    return application


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def open_stay(
    organisation,
    coordinator,
    *,
    started_days_ago: int = 10,
    months: int = 3,
    dependants=None,
    **kwargs,
):
    """
    An accepted offer with its stay, starting ``started_days_ago`` days ago. ``dependants``
    (case-facts dependant dicts) are recorded on the case and all travel.
    """
    application = offered_application(organisation, coordinator, dependants=dependants, **kwargs)
    start = days_ago(started_days_ago)
    travelling = Dependant.objects.filter(case=application.case).values_list("pk", flat=True)
    return services.stay_open(
        membership=membership_of(coordinator, organisation),
        application=application,
        host_city="Leiden",
        planned_start=start,
        planned_end=start + datetime.timedelta(days=30 * months),
        needs="A ground-floor room",
        travelling_dependants=list(travelling),
    )


def arrived_stay(organisation, coordinator, **kwargs):
    """A stay whose visa is granted, whose travel plan is recorded and whose arrival is confirmed."""
    stay = open_stay(organisation, coordinator, **kwargs)
    member = membership_of(coordinator, organisation)
    services.visa_record(membership=member, stay=stay, route="visa_free", outcome="not_required")
    services.preparation_save(
        membership=member,
        stay=stay,
        travel_plan="Bus to the capital, flight via a safe transit, call on landing.",
        digital_check_done=True,
        insurance={"insurer": "Fictional Mutual"},
        stipend={"amount": "900", "currency": "EUR", "channel": "host_bank_account"},
        expectations_acknowledged_on=days_ago(20),
    )
    return services.arrival_confirm(
        membership=member, stay=stay, arrived_on=stay.planned_start, housing_handed_over=True
    )


def host_partner_of(programme, organisation, username: str = "hana.host") -> User:
    """A host partner member assigned to ``programme`` by a coordinator."""
    user = make_member(organisation, Role.HOST_PARTNER, username)
    programme_services.host_partner_assign(
        membership=SYSTEM, programme=programme, host_partner=membership_of(user, organisation)
    )
    return user


def returned_stay(organisation, coordinator):
    """A stay reviewed (the defender chose to return), planned, and returned from yesterday."""
    stay = arrived_stay(organisation, coordinator, started_days_ago=80)
    member = membership_of(coordinator, organisation)
    services.check_in_record(
        membership=member, stay=stay, done_on=days_ago(70), mode="call", flags=[]
    )
    returns.return_review_open(
        membership=member, stay=stay, staff_risk_level="medium", defender_risk_level=None
    )
    returns.return_review_decide(
        membership=member,
        stay=stay,
        options=["return", "extension"],
        defender_preference="return",
        staff_decision="return",
        legal_advice_offered=True,
    )
    returns.return_plan_save(
        membership=member, stay=stay, security_plan="Met at arrivals.", contacts="", support=""
    )
    return returns.return_record(membership=member, stay=stay, returned_on=days_ago(1))


def travelling_child() -> list[dict]:
    """One fictional child who travels with the defender."""
    return [{"relation": "child", "age": 9, "would_accompany": True}]


def url_walk_traveller(organisation, member):
    """For the URL walk: a travelling dependant of an open stay."""
    from haven.relocations.models import TravellingDependant

    stay = open_stay(organisation, member, dependants=travelling_child())
    return TravellingDependant.objects.get(stay=stay).pk
