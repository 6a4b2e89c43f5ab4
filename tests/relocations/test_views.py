"""
The stay pages: need-to-know for host partners (AZ-03), bad input answered with 400 and nothing
saved, the overdue check-in on My cases, and pinned query counts on every list.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.cases import services as case_services
from haven.cases.models import Assignment, Case, CaseStatus
from haven.organisations.models import Role
from haven.relocations import services
from haven.relocations.models import Stay, TravellingDependant
from haven.relocations.selectors import due_items, due_reach_filter, reachable_stays, stay_list
from tests.conftest import make_member
from tests.programmes.factories import make_programme
from tests.relocations.factories import (
    arrived_stay,
    days_ago,
    host_partner_of,
    membership_of,
    offered_application,
    open_stay,
    travelling_child,
)

pytestmark = pytest.mark.django_db


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_a_host_partner_sees_dates_people_and_needs_only(organisation, coordinator, sign_in_as):
    """AZ-03: the host view names no case, no city, no travel plan, no threat."""
    stay = arrived_stay(organisation, coordinator)
    host = host_partner_of(stay.programme, organisation)

    page = sign_in_as(host).get(reverse("relocations:detail", kwargs={"stay_id": stay.pk}))

    text = page.content.decode()
    assert page.status_code == 200
    assert "A ground-floor room" in text
    assert stay.planned_end.isoformat() in text
    assert stay.case.code not in text
    assert "Leiden" not in text
    assert "Bus to the capital" not in text


def test_a_host_partner_confirms_the_arrival(organisation, coordinator, sign_in_as):
    stay = open_stay(organisation, coordinator)
    host = host_partner_of(stay.programme, organisation)
    client = sign_in_as(host)

    response = client.post(
        reverse("relocations:arrival", kwargs={"stay_id": stay.pk}),
        {"arrived_on": days_ago(1).isoformat(), "housing_handed_over": "on"},
    )

    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.arrived_on == days_ago(1)
    assert stay.arrival_confirmed_by == host


def test_a_host_partner_of_another_programme_gets_404(organisation, coordinator, sign_in_as):
    stay = open_stay(organisation, coordinator)
    other = make_programme(organisation, catalogue_id="another_fellowship")
    stranger = host_partner_of(other, organisation, "hugo.otherhost")
    client = sign_in_as(stranger)

    fetched = client.get(reverse("relocations:detail", kwargs={"stay_id": stay.pk}))
    posted = client.post(
        reverse("relocations:arrival", kwargs={"stay_id": stay.pk}),
        {"arrived_on": days_ago(1).isoformat()},
    )

    assert fetched.status_code == posted.status_code == 404
    stay.refresh_from_db()
    assert stay.arrived_on is None


def test_an_end_before_the_start_is_shown_again_with_400(organisation, coordinator, sign_in_as):
    application = offered_application(organisation, coordinator)

    response = sign_in_as(coordinator).post(
        reverse("relocations:open", kwargs={"application_id": application.pk}),
        {"host_city": "Leiden", "planned_start": "2027-04-01", "planned_end": "2027-03-01"},
    )

    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    assert not Stay.objects.exists()
    assert application.case.status == CaseStatus.APPLYING


def test_accepting_from_the_application_page_leads_to_the_stay_form(
    organisation, coordinator, sign_in_as
):
    application = offered_application(organisation, coordinator)

    response = sign_in_as(coordinator).post(
        reverse("programmes:application_status", kwargs={"application_id": application.pk}),
        {"status": "accepted"},
    )

    assert response["Location"] == reverse(
        "relocations:open", kwargs={"application_id": application.pk}
    )
    application.refresh_from_db()
    assert application.status == "offered"


def test_an_overdue_check_in_is_flagged_on_my_cases(
    organisation, coordinator, caseworker, sign_in_as
):
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)

    page = sign_in_as(caseworker).get(reverse("web:dashboard"))

    text = page.content.decode()
    assert "Check-in overdue" in text
    assert stay.case.code in text
    assert stay.next_check_in_due == stay.arrived_on + datetime.timedelta(days=3)


def test_the_stay_list_does_not_grow_with_stays(organisation, coordinator, sign_in_as):
    client = sign_in_as(coordinator)
    for _index in range(2):
        arrived_stay(organisation, coordinator)
    few = count_queries(lambda: client.get(reverse("relocations:list")))
    for _index in range(4):
        arrived_stay(organisation, coordinator)

    many = count_queries(lambda: client.get(reverse("relocations:list")))

    assert many == few
    assert len(stay_list(membership=membership_of(coordinator, organisation)).rows) == 6


def test_the_stay_list_shows_cancelled_stays_only_when_asked(organisation, coordinator, sign_in_as):
    """Open stays by default; "Include ended and cancelled stays" brings the rest back, and the
    choice survives the links to other pages."""
    client = sign_in_as(coordinator)
    member = membership_of(coordinator, organisation)
    kept = open_stay(organisation, coordinator)
    cancelled = open_stay(organisation, coordinator)
    services.stay_cancel(
        membership=member,
        stay=cancelled,
        ground="visa_refused",
        on=timezone.localdate(),
        note="The consulate refused.",
    )
    url = reverse("relocations:list")

    default = client.get(url).content.decode()
    everything = client.get(url, {"closed": "on"}).content.decode()

    assert kept.case.code in default and cancelled.case.code not in default
    assert kept.case.code in everything and cancelled.case.code in everything
    assert 'name="closed"' in default and "checked" in everything.split('name="closed"')[1][:40]


def test_due_items_are_one_query(organisation, coordinator, caseworker, django_assert_num_queries):
    """One query for the due items: the member's assignment already implies the visibility
    rule, so its read of live break-glass grants is not made (issue 17)."""
    for _index in range(3):
        arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)
    member = membership_of(caseworker, organisation)

    with django_assert_num_queries(1):
        items = due_items(membership=member)

    assert [item.what for item in items].count("check_in_overdue") == 3


def test_due_items_reach_what_the_stay_rule_and_the_assignment_reach(
    organisation, coordinator, caseworker
):
    """
    ``due_reach_filter`` finds exactly the stays that ``reachable_stays`` and the member's own
    assignment find together, for each staff role: an assigned case, a case the member is not
    on, one they broke into (visible, but not theirs), and an assigned case staged by an import.
    """
    assigned = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)
    arrived_stay(organisation, coordinator, started_days_ago=20)
    broken_into = arrived_stay(organisation, coordinator, started_days_ago=20)
    staged = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)
    case_services.break_glass_open(
        membership=membership_of(caseworker, organisation),
        code=broken_into.case.code,
        reason="The defender called the emergency line and their caseworker is away.",
    )
    Case.objects.filter(pk=staged.case_id).update(staged=True)
    legal = make_member(organisation, Role.LEGAL_ADVISER, "lena.legal")
    for user in (caseworker, coordinator, legal):
        member = membership_of(user, organisation)
        on_their_cases = Exists(
            Assignment.objects.filter(case_id=OuterRef("case_id"), membership_id=member.pk)
        )
        rule = set(reachable_stays(membership=member).filter(on_their_cases))
        assert set(Stay.objects.filter(due_reach_filter(member))) == rule
    caseworkers = set(
        Stay.objects.filter(due_reach_filter(membership_of(caseworker, organisation)))
    )
    assert caseworkers == {assigned}
    assert {
        item.stay for item in due_items(membership=membership_of(caseworker, organisation))
    } == {assigned}


def test_the_dashboard_does_not_grow_with_stays(organisation, coordinator, caseworker, sign_in_as):
    client = sign_in_as(caseworker)
    arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)
    few = count_queries(lambda: client.get(reverse("web:dashboard")))
    for _index in range(3):
        arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)

    many = count_queries(lambda: client.get(reverse("web:dashboard")))

    assert many == few


def test_an_extension_decision_from_the_stay_page(organisation, coordinator, sign_in_as):
    """
    Bad input and a refusal come back on the stay page with their reason (400); a decision goes
    back to the stay, and a traveller's bad dates are answered the same way.
    """
    stay = arrived_stay(organisation, coordinator, months=3, dependants=travelling_child())
    extension = services.extension_request(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        ground="risk_unchanged",
        requested_end=stay.planned_end + datetime.timedelta(days=60),
    )
    client = sign_in_as(coordinator)
    decide = reverse("relocations:extension_decide", kwargs={"extension_id": extension.pk})

    shown = client.get(decide)
    unchosen = client.post(decide, {"decision": "maybe"})
    granted = client.post(decide, {"decision": "grant"})
    again = client.post(decide, {"decision": "refuse"})
    traveller = TravellingDependant.objects.get(stay=stay)
    bad_dates = client.post(
        reverse("relocations:traveller", kwargs={"traveller_id": traveller.pk}),
        {"visa_outcome": "granted", "visa_valid_until": "not a date"},
    )

    assert shown.status_code == 200
    assert unchosen.status_code == 400
    assert "Choose to grant or to refuse." in unchosen.content.decode()
    assert granted.status_code == 302
    assert granted["Location"] == reverse("relocations:detail", kwargs={"stay_id": stay.pk})
    assert again.status_code == 400
    assert "already decided" in again.content.decode()
    assert bad_dates.status_code == 400
    assert "Check the traveller&#x27;s dates." in bad_dates.content.decode()
