"""
The asylum bridge in a browser without JavaScript (issue 13): tension seen at the application,
before it is submitted; and a deadline warning for a defender in a host state with a hard filing
deadline, seen by the case team and by the defender on their own portal page. Every person and
programme is fictional.
"""

import pytest
from django.test import Client

from haven.portal.models import Referral, ReferralStatus
from tests.asylum.factories import journalist_facing_a_warrant, stay_in
from tests.portal.helpers import PASSPHRASE, submit_referral
from tests.programmes.factories import assign, make_programme
from tests.relocations.factories import host_partner_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tension_shown_at_application(
    page_without_js, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    """An in-country journalist at critical risk; a programme expecting return; a draft started."""
    page = page_without_js
    programme = make_programme(organisation)
    case = journalist_facing_a_warrant(organisation, coordinator)
    assign(case, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programmes/cases/{case.pk}/applications/")
    page.select_option("#id_programme", str(programme.pk))
    page.click("text=Start a draft")
    page.wait_for_url("**/programmes/applications/**")

    panel = page.locator(f"#tension-{programme.pk}")
    text = panel.inner_text()
    assert "This programme expects return, but the defender may not be able to go back" in text
    assert "The risk on return is Critical" in text
    assert "before the application is submitted" in text
    for duty in ("Informed consent", "Offer independent legal advice", "No pressure either way",
                 "No abrupt cut-off", "Confidentiality"):  # fmt: skip
        assert duty in text
    assert "Barcelona Guidelines" in text
    # The consent form is still there: the tension informs, it does not block the defender.
    assert page.locator("text=The defender has seen these and consents").count() == 1

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "No pressure either way" in page.inner_text(f"#tension-{programme.pk}")


def test_deadline_warning_for_hard_deadline_state(
    browser,
    page_without_js,
    live_server,
    organisation,
    coordinator,
    caseworker,
    sign_in_through_browser,
):
    """Spain: one month from entry (Ley 12/2009 art 17.2); 25 days after the confirmed arrival."""
    page = page_without_js
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
    assign(stay.case, caseworker)
    _response, code = submit_referral(Client(), organisation)
    Referral.objects.update(case=stay.case, status=ReferralStatus.CASE_OPENED)

    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/{stay.case.pk}/")
    rules = page.inner_text("#host-state")
    assert "Asylum rules in Spain" in rules
    warning = page.inner_text("#deadline-warnings")
    assert "Within 7 days" in warning and "hard time limit" in warning
    assert "Spain: a claim is due by" in warning
    assert "Ley 12/2009 art 17.2" in warning
    assert "OAR" in rules  # where and how a claim is made there

    host = host_partner_of(stay.programme, organisation)
    host_context = browser.new_context(java_script_enabled=False)
    try:
        host_page = host_context.new_page()
        sign_in_through_browser(host_page, host)
        host_page.wait_for_url(f"{live_server.url}/")
        host_page.goto(f"{live_server.url}/relocations/{stay.pk}/")
        assert "time limit" not in host_page.inner_text("main")
        assert host_page.goto(f"{live_server.url}/cases/{stay.case.pk}/").status == 404
    finally:
        host_context.close()

    # The defender, on their own portal page (the team opened the case from their referral).
    page.context.clear_cookies()
    defender = page
    defender.goto(f"{live_server.url}/portal/status/open/")
    defender.fill("#id_receipt", code)
    defender.fill("#id_passphrase", PASSPHRASE)
    defender.click("main button[type=submit]")
    defender.wait_for_url("**/portal/status/**")
    mine = defender.inner_text("#asylum-deadlines")
    assert "A time limit may be near" in mine
    assert "Spain: a claim is due by" in mine
    assert "nobody may pressure you either way" in mine
