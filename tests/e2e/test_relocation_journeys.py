"""
Relocation journeys in a browser without JavaScript (issue 12): from the accepted offer through
the stay to the follow-ups after return, each as the person who does it in practice.
"""

import datetime
import io
import pathlib

import pypdf
import pytest

from haven.cases.models import Case, CaseStatus
from haven.relocations.models import Extension, FollowUp, Preparation, Stay
from haven.relocations.selectors import stay_list
from tests.relocations.factories import (
    arrived_stay,
    days_ago,
    host_partner_of,
    membership_of,
    offered_application,
    open_stay,
    returned_stay,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page, selector: str) -> None:
    """Click and wait for the page that answers: the stay page redirects to itself."""
    with page.expect_navigation():
        page.click(selector)


def _form(action_suffix: str) -> str:
    return f"form[action$='{action_suffix}']"


def _open(page, address_suffix: str) -> None:
    """Follow the stay page's link to a form's own page (issue 17: the stay page has none)."""
    with page.expect_navigation():
        page.click(f"main a[href$='{address_suffix}']")


def test_offer_accepted_visa_recorded_and_the_arabic_letter_downloaded(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    application = offered_application(organisation, coordinator)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programmes/applications/{application.pk}/")
    page.click("text=Accept the offer and open the stay")
    page.fill("#id_host_city", "Leiden")
    page.fill("#id_planned_start", "2027-04-01")
    page.fill("#id_planned_end", "2027-07-01")
    _submit(page, "main form button[type=submit]")
    assert "Offer accepted: the stay is open." in page.text_content("body")
    assert Case.objects.get(pk=application.case_id).status == CaseStatus.RELOCATION_PREPARATION

    _open(page, "/visa/")
    visa = _form("/visa/")
    page.select_option(f"{visa} [name=route]", "schengen_short_stay")
    page.select_option(f"{visa} [name=outcome]", "pending")
    page.fill(f"{visa} [name=lodged_on]", days_ago(3).isoformat())
    _submit(page, f"{visa} button[type=submit]")
    assert "Visa applied for" in page.text_content("#stay-stage")

    with page.expect_download() as download:
        page.click("a[lang=ar]")
    pdf = pathlib.Path(download.value.path()).read_bytes()
    assert "القسم القنصلي" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_host_partner_confirms_the_arrival(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    stay = open_stay(organisation, coordinator, started_days_ago=1)
    host = host_partner_of(stay.programme, organisation)
    sign_in_through_browser(page, host)
    page.wait_for_url(f"{live_server.url}/")

    page.click("text=Stays to host")
    page.click(f"text={stay.reference}")
    assert stay.case.code not in page.text_content("main")
    _open(page, "/arrival/")
    page.fill("#id_arrival_form_arrived_on", days_ago(0).isoformat())
    page.check("#id_arrival_form_housing_handed_over")
    _submit(page, _form("/arrival/") + " button[type=submit]")

    assert "Arrival confirmed." in page.text_content("body")
    assert Stay.objects.get(pk=stay.pk).arrived_on == days_ago(0)


def test_an_overdue_check_in_is_shown_on_my_cases(
    page_without_js, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    page = page_without_js
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=20)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    due = page.text_content("#relocation-due")
    assert "Check-in overdue" in due
    assert stay.case.code in due


def test_an_extension_is_requested_and_decided(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    stay = arrived_stay(organisation, coordinator, months=3)
    new_end = stay.planned_end + datetime.timedelta(days=45)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/relocations/{stay.pk}/")
    _open(page, "/extensions/")
    extension = _form("/extensions/")
    page.select_option(f"{extension} [name=ground]", "risk_unchanged")
    page.fill(f"{extension} [name=requested_end]", new_end.isoformat())
    _submit(page, f"{extension} button[type=submit]")
    _open(page, "/decide/")
    page.select_option("form[action*='/decide/'] [name=decision]", "grant")
    _submit(page, "form[action*='/decide/'] button[type=submit]")

    assert "Extension decided." in page.text_content("body")
    assert page.text_content("#stay-end").strip() == new_end.isoformat()
    assert Extension.objects.get(stay=stay).decision == "granted"


def test_a_return_review_shows_the_risk_on_return(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    stay = arrived_stay(organisation, coordinator, started_days_ago=60)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/relocations/{stay.pk}/")

    _open(page, "/check-ins/")
    check_in = _form("/check-ins/")
    page.fill(f"{check_in} [name=done_on]", days_ago(50).isoformat())
    page.select_option(f"{check_in} [name=mode]", "call")
    _submit(page, f"{check_in} button[type=submit]")
    _open(page, "/incidents/")
    incident = _form("/incidents/")
    page.select_option(f"{incident} [name=type]", "surveillance")
    page.fill(f"{incident} [name=date]", days_ago(10).isoformat())
    page.check(f"{incident} [name=home_state_link]")
    _submit(page, f"{incident} button[type=submit]")
    _open(page, "/return-review/")
    page.select_option(_form("/return-review/") + " [name=staff_risk_level]", "high")
    _submit(page, _form("/return-review/") + " button[type=submit]")

    assert "Risk on return" in page.text_content("#risk-on-return")
    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RETURN_REVIEW


def test_follow_ups_after_return_are_recorded(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    stay = returned_stay(organisation, coordinator)
    first = FollowUp.objects.filter(stay=stay).order_by("due_on").first()
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/relocations/{stay.pk}/")

    _open(page, f"/follow-ups/{first.pk}/")
    follow_up = f"form[action$='/follow-ups/{first.pk}/']"
    page.fill(f"{follow_up} [name=done_on]", days_ago(0).isoformat())
    page.select_option(f"{follow_up} [name=status]", "safe")
    _submit(page, f"{follow_up} button[type=submit]")

    assert "Follow-up recorded." in page.text_content("body")
    assert "Safe" in page.text_content("#follow-ups")
    assert Case.objects.get(pk=stay.case_id).status == CaseStatus.RETURNED_FOLLOW_UP


def test_the_travel_plan_is_shredded_after_the_arrival(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    stay = arrived_stay(organisation, coordinator, started_days_ago=5)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/relocations/{stay.pk}/")
    assert "safe transit" in page.text_content("#travel-plan")

    _submit(page, "#shred-travel-plan")

    assert "Travel plan shredded." in page.text_content("body")
    assert "safe transit" not in page.text_content("main")
    assert "Shredded on" in page.text_content("#travel-plan-shredded")
    assert Preparation.objects.get(stay=stay).travel_plan is None


def test_a_stay_is_cancelled_before_departure_with_a_reason(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    page = page_without_js
    stay = open_stay(organisation, coordinator, started_days_ago=-20)
    host = host_partner_of(stay.programme, organisation)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/relocations/{stay.pk}/")

    _open(page, "/cancel/")
    cancel = _form("/cancel/")
    page.select_option(f"{cancel} [name=ground]", "defender_withdrew")
    page.fill(f"{cancel} [name=on]", days_ago(0).isoformat())
    page.fill(f"{cancel} [name=note]", "The defender chose to stay with the family.")
    _submit(page, f"{cancel} button[type=submit]")

    assert "Stay cancelled." in page.text_content("body")
    assert page.text_content("#stay-stage").strip() == "Cancelled"
    assert "The defender withdrew" in page.text_content("#stay-cancelled")
    assert page.locator("main a[href$='/cancel/']").count() == 0
    stay.refresh_from_db()
    assert stay.status == "cancelled" and stay.cancel_ground == "defender_withdrew"
    assert stay_list(membership=membership_of(host, organisation)).rows == []
