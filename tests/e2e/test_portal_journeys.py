"""
Browser journeys through the defenders' portal (Playwright driving Debian's Chromium).

The defender's side runs with JavaScript disabled in most journeys, as in Tor Browser at its
"Safest" level; staff use an ordinary browser. Everything happens through the pages.
"""

import datetime

import pytest
from django.utils import timezone

from haven.portal import stays
from haven.portal.models import PortalMessage, Referral, ReferralStatus
from haven.portal.receipts import normalise_receipt
from haven.relocations.models import CheckIn, StayEvent
from tests.e2e.test_every_page_reads import _problems
from tests.portal.helpers import CANARY_ACCOUNT, CANARY_NAME, PASSPHRASE
from tests.relocations.factories import arrived_stay

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def send_referral(page, live_server, organisation, *, lang: str = "en") -> str:
    """Fill in and send the referral form; return the receipt code shown once."""
    page.goto(f"{live_server.url}/portal/?lang={lang}")
    page.select_option("#id_organisation", organisation.slug)
    page.fill("#id_name", CANARY_NAME)
    page.select_option("#id_channel", "signal")
    page.fill("#id_handle", "@fictional_defender")
    page.fill("#id_country", "Fictional Republic")
    page.fill("#id_account", CANARY_ACCOUNT)
    page.select_option("#id_urgency", "emergency")
    page.fill("#id_passphrase", PASSPHRASE)
    page.fill("#id_passphrase_again", PASSPHRASE)
    page.click("main button[type=submit]")
    page.wait_for_selector("#receipt-code")
    return normalise_receipt(page.inner_text("#receipt-code"))


def open_receipt(page, live_server, code: str, passphrase: str = PASSPHRASE) -> None:
    page.goto(f"{live_server.url}/portal/status/open/")
    page.fill("#id_receipt", code)
    page.fill("#id_passphrase", passphrase)
    page.click("main button[type=submit]")


def test_referral_triage_status_and_messages_without_javascript(
    page_without_js, page, live_server, organisation, coordinator, sign_in_through_browser
):
    """Referral -> staff open a case and write -> the defender reads it and replies (no JS)."""
    defender = page_without_js
    code = send_referral(defender, live_server, organisation)
    assert defender.context.cookies()  # the portal session began only now
    assert {cookie["name"] for cookie in defender.context.cookies()} <= {
        "csrftoken",
        "haven_portal",
    }

    sign_in_through_browser(page, coordinator)
    page.goto(f"{live_server.url}/intake/")
    assert "1 referral is waiting" in page.inner_text("#queue-age")
    page.click("table a")
    assert CANARY_ACCOUNT in page.inner_text("#referral-account")
    page.click("#open-case button[type=submit]")
    page.wait_for_url("**/cases/*/")
    page.fill("#portal-messages textarea", "We received your request and will call on Signal.")
    page.click("#portal-messages button[type=submit]")

    open_receipt(defender, live_server, code)
    defender.wait_for_url("**/portal/status/**")
    assert "will call on Signal" in defender.inner_text("#messages")
    defender.fill("#id_body", "Thank you, evenings are safest.")
    defender.click("#messages button[type=submit]")
    assert "evenings are safest" in defender.inner_text("#messages")

    page.reload()
    assert "evenings are safest" in page.inner_text("#portal-messages")
    assert PortalMessage.objects.count() == 2


def test_a_wrong_passphrase_is_throttled_without_javascript(
    page_without_js, live_server, organisation
):
    """Five wrong passphrases cool the receipt off; then even the right one is refused for now."""
    page = page_without_js
    code = send_referral(page, live_server, organisation)
    page.context.clear_cookies()

    for _ in range(5):
        open_receipt(page, live_server, code, "a wrong passphrase here")
        assert "do not open anything" in page.inner_text("main")
    open_receipt(page, live_server, code)

    assert "do not open anything" in page.inner_text("main")
    assert Referral.objects.get().locked_until > timezone.now()
    open_receipt(page, live_server, "abacus-" * 7 + "abacus")
    assert "do not open anything" in page.inner_text("main")


def test_a_declined_referral_shows_its_reason_in_arabic_without_javascript(
    page_without_js, page, live_server, organisation, caseworker, sign_in_through_browser
):
    defender = page_without_js
    code = send_referral(defender, live_server, organisation, lang="ar")
    assert defender.get_attribute("html", "dir") == "rtl"
    defender.context.clear_cookies()

    sign_in_through_browser(page, caseworker)
    referral = Referral.objects.get()
    page.goto(f"{live_server.url}/intake/{referral.pk}/")
    page.fill("#decline textarea", "We only work with defenders in the fictional region.")
    page.click("#decline button[type=submit]")
    page.wait_for_url("**/intake/")

    open_receipt(defender, live_server, code)
    defender.goto(f"{live_server.url}/portal/status/?lang=ar")
    assert "fictional region" in defender.inner_text("#decline-reason")
    assert Referral.objects.get().status == ReferralStatus.DECLINED


def test_another_organisations_staff_cannot_see_the_referral(
    page_without_js, page, live_server, organisation, outsider, sign_in_through_browser
):
    send_referral(page_without_js, live_server, organisation)
    referral = Referral.objects.get()

    sign_in_through_browser(page, outsider)
    page.goto(f"{live_server.url}/intake/")
    assert "No referral is waiting" in page.inner_text("main")
    response = page.goto(f"{live_server.url}/intake/{referral.pk}/")

    assert response.status == 404
    assert CANARY_ACCOUNT not in page.content()


def test_a_check_in_during_a_stay_without_javascript(
    page_without_js, page, live_server, organisation, coordinator, sign_in_through_browser
):
    """
    A relocated defender, with JavaScript off and in Spanish, sends a wellbeing check-in and an
    incident report with the receipt they already hold; the case team sees both on the stay,
    marked as from the defender.
    """
    stay = arrived_stay(organisation, coordinator)
    defender = page_without_js
    code = send_referral(defender, live_server, organisation, lang="es")
    defender.context.clear_cookies()

    sign_in_through_browser(page, coordinator)
    page.goto(f"{live_server.url}/intake/{Referral.objects.get().pk}/")
    page.fill("#link-case input[name=case_code]", stay.case.code)
    page.click("#link-case button[type=submit]")
    page.wait_for_url("**/cases/*/")

    open_receipt(defender, live_server, code)
    defender.goto(f"{live_server.url}/portal/status/?lang=es")
    assert "Durante su estancia" in defender.inner_text("#stay-entry")
    defender.get_by_label("No me siento segura o seguro").check()
    defender.fill("#check_in_note", "Alguien pregunta por mí en la residencia ficticia.")
    defender.click("#check-in button[type=submit]")
    assert "El equipo ha recibido su seguimiento" in defender.inner_text("#stay-notice")

    defender.select_option("#incident_type", "surveillance")
    defender.fill("#incident_date", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    defender.check("#incident_home_state_link")
    defender.fill("#incident_narrative", "Un coche ficticio esperó frente a la casa dos noches.")
    defender.click("#incident button[type=submit]")
    assert "ha recibido su informe" in defender.inner_text("#stay-notice")
    assert defender.get_attribute("html", "lang") == "es"

    page.goto(f"{live_server.url}/relocations/{stay.pk}/")
    stay_page = page.inner_text("main")
    assert stay_page.count("from the defender, through the portal") == 2
    assert "Does not feel safe" in stay_page
    assert "residencia ficticia" in stay_page
    assert "Un coche ficticio" in stay_page
    assert CheckIn.objects.get().source == StayEvent.objects.get().source == "defender"


def test_the_stay_forms_read_well_in_persian_at_phone_width(
    browser, live_server, organisation, coordinator
):
    """The status page with both stay forms: right to left, 390 pixels, no axe violation."""
    stay = arrived_stay(organisation, coordinator)
    # axe-core is injected by the test, so this context lets it past the page's CSP.
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        defender = context.new_page()
        code = send_referral(defender, live_server, organisation, lang="fa")
        referral = Referral.objects.get()
        Referral.objects.filter(pk=referral.pk).update(case=stay.case, status=ReferralStatus.LINKED)
        open_receipt(defender, live_server, code)
        response = defender.goto(f"{live_server.url}/portal/status/?lang=fa")
        defender.wait_for_selector("#incident")

        assert defender.get_attribute("html", "dir") == "rtl"
        assert _problems(defender, response, set()) == []
    finally:
        context.close()


def test_during_a_stay_the_check_in_entry_shows_and_quick_exit_leaves(
    page, live_server, organisation, coordinator, monkeypatch
):
    """
    With JavaScript: the stay entry appears when the case has an active stay, and Escape is a
    quick exit that ends the portal session.
    """
    code = send_referral(page, live_server, organisation)
    monkeypatch.setattr(stays, "case_has_active_stay", lambda case: True)

    open_receipt(page, live_server, code)
    page.wait_for_selector("#stay-entry")
    page.keyboard.press("Escape")
    page.wait_for_url("**/portal/exit/")

    assert page.title() == "New tab"
    assert "/portal/status/open/" in page.goto(f"{live_server.url}/portal/status/").url


def test_the_proof_of_work_is_solved_by_javascript(page, live_server, organisation, settings):
    settings.HAVEN_PORTAL_POW_BITS = 12
    settings.HAVEN_PORTAL_NO_JS_WAIT_SECONDS = 600

    send_referral(page, live_server, organisation)

    assert Referral.objects.count() == 1
    assert Referral.objects.get().submitted_at > timezone.now() - datetime.timedelta(minutes=1)
