"""Applying, consenting and matching in a browser without JavaScript (every page works without it)."""

import pytest

from haven.programmes.models import Application
from tests.programmes.factories import make_programme, make_window, open_fictional_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_apply_consent_submit_match_and_offer_without_javascript(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    """A coordinator starts a draft, records consent, submits, runs matching and approves it."""
    page = page_without_js
    programme = make_programme(organisation)
    window = make_window(programme, places=1)
    case = open_fictional_case(organisation)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programmes/cases/{case.pk}/applications/")
    page.select_option("#id_programme", str(programme.pk))
    page.click("text=Start a draft")
    page.wait_for_url("**/programmes/applications/**")
    assert "Eligible" in page.text_content("main")
    page.click("text=The defender has seen these and consents")
    page.select_option("#status-choice", "submitted")
    page.click("text=Change status")
    page.wait_for_url("**/programmes/applications/**")

    page.goto(f"{live_server.url}/programmes/runs/")
    page.check(f"input[name=windows][value='{window.pk}']")
    page.click("text=Propose placements")
    page.wait_for_url("**/programmes/runs/*/")
    assert case.code in page.text_content("main")
    page.click("text=Approve: make these offers")
    page.wait_for_url("**/programmes/runs/*/")

    assert "1 offer(s) made." in page.text_content("body")
    assert Application.objects.get(case=case).status == "offered"
