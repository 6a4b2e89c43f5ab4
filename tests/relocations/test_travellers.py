"""Each dependant who travels is a record of its own: their visa and their arrival."""

import datetime
import re

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from haven.relocations import services
from haven.relocations.models import Stay, StayReminder, TravellingDependant
from haven.relocations.reminders import remind
from tests.relocations.factories import (
    arrived_stay,
    days_ago,
    host_partner_of,
    membership_of,
    open_stay,
    travelling_child,
)

pytestmark = pytest.mark.django_db


def test_opening_a_stay_makes_one_record_per_travelling_dependant(organisation, coordinator):
    two = [*travelling_child(), {"relation": "partner", "would_accompany": True}]
    stay = open_stay(organisation, coordinator, dependants=two)

    travellers = TravellingDependant.objects.filter(stay=stay)
    assert travellers.count() == 2 and stay.people_count == 3
    assert {t.visa_outcome for t in travellers} == {"pending"}


def test_a_dependants_own_visa_drives_the_expiry_reminder(organisation, coordinator, caseworker):
    stay = arrived_stay(
        organisation, coordinator, caseworker=caseworker, dependants=travelling_child()
    )
    traveller = TravellingDependant.objects.get(stay=stay)
    ends = timezone.localdate() + datetime.timedelta(days=10)

    services.traveller_record(
        membership=membership_of(coordinator, organisation),
        traveller=traveller,
        visa_outcome="granted",
        visa_valid_until=ends,
        arrived_on=stay.arrived_on,
    )

    assert Stay.objects.get(pk=stay.pk).visa_expires_on == ends
    remind()
    assert StayReminder.objects.filter(kind="visa_expiring").exists()


def test_the_arrival_confirms_the_dependants_travelling_with_the_defender(
    organisation, coordinator
):
    stay = arrived_stay(organisation, coordinator, dependants=travelling_child())

    assert TravellingDependant.objects.get(stay=stay).arrived_on == stay.arrived_on


def test_a_dependant_arriving_later_is_recorded_on_their_own(organisation, coordinator):
    stay = arrived_stay(
        organisation, coordinator, started_days_ago=10, dependants=travelling_child()
    )
    traveller = TravellingDependant.objects.get(stay=stay)

    services.traveller_record(
        membership=membership_of(coordinator, organisation),
        traveller=traveller,
        visa_outcome="granted",
        arrived_on=days_ago(2),
    )

    traveller.refresh_from_db()
    assert traveller.arrived_on == days_ago(2)
    assert traveller.visa_valid_until is None


@pytest.mark.parametrize("arrived", [-3, 30])
def test_an_arrival_in_the_future_or_before_the_stay_is_refused(organisation, coordinator, arrived):
    stay = open_stay(organisation, coordinator, started_days_ago=10, dependants=travelling_child())
    traveller = TravellingDependant.objects.get(stay=stay)

    with pytest.raises(services.StayError):
        services.traveller_record(
            membership=membership_of(coordinator, organisation),
            traveller=traveller,
            visa_outcome="pending",
            arrived_on=days_ago(arrived),
        )
    traveller.refresh_from_db()
    assert traveller.arrived_on is None


def test_a_host_partner_cannot_reach_a_traveller(organisation, coordinator, sign_in_as):
    stay = open_stay(organisation, coordinator, dependants=travelling_child())
    traveller = TravellingDependant.objects.get(stay=stay)
    host = host_partner_of(stay.programme, organisation)

    with pytest.raises(Http404):
        services.traveller_record(
            membership=membership_of(host, organisation),
            traveller=traveller,
            visa_outcome="granted",
        )
    response = sign_in_as(host).post(
        reverse("relocations:traveller", kwargs={"traveller_id": traveller.pk}),
        {"visa_outcome": "granted"},
    )
    assert response.status_code == 404


def test_the_traveller_form_saves_from_the_stay_page(organisation, coordinator, sign_in_as):
    stay = open_stay(organisation, coordinator, dependants=travelling_child())
    traveller = TravellingDependant.objects.get(stay=stay)
    client = sign_in_as(coordinator)

    page = client.get(reverse("relocations:detail", kwargs={"stay_id": stay.pk})).content.decode()
    response = client.post(
        reverse("relocations:traveller", kwargs={"traveller_id": traveller.pk}),
        {"visa_outcome": "granted", "visa_valid_until": "2031-01-31"},
    )

    assert 'id="travellers"' in page and "Child" in page
    assert response.status_code == 302
    traveller.refresh_from_db()
    assert traveller.visa_outcome == "granted"


def _duplicate_ids(html: str) -> list[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    return sorted({value for value in ids if ids.count(value) > 1})


def _unlabelled_controls(html: str) -> list[str]:
    """Inputs, selects and text areas whose id no <label for> names (axe "label"/"select-name")."""
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    controls = re.findall(
        r'<(?:select|textarea|input(?![^>]*type="(?:hidden|submit)"))[^>]*\sid="([^"]+)"', html
    )
    return [control for control in controls if control not in labelled]


def test_every_control_on_the_stay_forms_has_its_own_id_and_label(
    organisation, coordinator, sign_in_as
):
    """
    The axe gap of the crawl: forms sharing field names shared ids, so selects lost labels. The
    stay page now renders no form (issue 17); each form's own page labels every control.
    """
    stay = arrived_stay(organisation, coordinator, dependants=travelling_child())
    extension = services.extension_request(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        ground="health",
        requested_end=stay.planned_end + datetime.timedelta(days=20),
    )
    traveller = TravellingDependant.objects.get(stay=stay)
    host = host_partner_of(stay.programme, organisation)
    stay_page = reverse("relocations:detail", kwargs={"stay_id": stay.pk})
    on_stay = [
        reverse(f"relocations:{name}", kwargs={"stay_id": stay.pk})
        for name in ("check_in", "incident", "activity")
    ]
    staff_only = [
        reverse("relocations:extension_decide", kwargs={"extension_id": extension.pk}),
        reverse("relocations:traveller", kwargs={"traveller_id": traveller.pk}),
        reverse("relocations:cancel", kwargs={"stay_id": stay.pk}),
    ]

    for user, urls in ((coordinator, on_stay + staff_only), (host, on_stay)):
        client = sign_in_as(user)
        page = client.get(stay_page).content.decode()
        main = page.split('<main id="main">')[1].split("</main>")[0]
        # The only form left on the stay page is a button (the travel plan's shredding).
        assert "<select" not in main and "<textarea" not in main
        assert all(f'href="{url}"' in main for url in on_stay)
        for url in urls:
            html = client.get(url).content.decode()
            assert _duplicate_ids(html) == []
            assert _unlabelled_controls(html) == []
        assert "<select" in html
