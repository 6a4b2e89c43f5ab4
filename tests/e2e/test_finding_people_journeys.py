# ruff: noqa: RUF001 (a phone typed in Arabic-Indic digits)
"""
Browser journeys for finding people (issue 15, item 4): a partial, accent-blind search, a sort by
a heading link with JavaScript off, and the duplicate warning at intake.
"""

import pytest
from django.urls import reverse

from haven.cases.models import Case
from haven.cases.services import case_open
from tests.acting import acting
from tests.cases.factories import CANARY_NAME, assigned_case, canary_facts, canary_identity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _facts(country):
    return {"schema": "haven.case-facts/1", "defender": {"current_country": country}}


def test_search_by_part_of_a_name_and_sort_without_javascript(
    page_without_js, live_server, organisation, caseworker, sign_in_through_browser
):
    page = page_without_js
    mexico = assigned_case(organisation, caseworker, facts=_facts("MX"), suffix=" Álvarez")
    colombia = assigned_case(organisation, caseworker, facts=_facts("CO"), suffix=" Núñez")
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('cases:list')}")
    page.select_option("#id_field", "name")
    page.fill("#id_value", "NUNEZ")
    page.click("main button:text-is('Search')")
    results = page.text_content("#search-results")
    assert colombia.code in results and mexico.code not in results

    page.click("thead >> text=Country")
    page.wait_for_url("**sort=country**")
    rows = page.locator("#case-table tbody tr td:first-child").all_text_contents()
    assert [row.split()[0] for row in rows] == [colombia.code, mexico.code]
    page.click("thead >> text=Country")
    page.wait_for_url("**sort=-country**")
    rows = page.locator("#case-table tbody tr td:first-child").all_text_contents()
    assert [row.split()[0] for row in rows] == [mexico.code, colombia.code]


def test_unknown_sort_says_so(page, live_server, organisation, caseworker, sign_in_through_browser):
    assigned_case(organisation, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"{live_server.url}{reverse('cases:list')}?sort=shoe_size")

    assert response.status == 200
    assert "cannot be sorted by" in page.text_content(".messages")


def test_duplicate_warning_at_intake(
    page, live_server, organisation, caseworker, sign_in_through_browser
):
    """The existing case is not the caseworker's: they are told to ask a coordinator, then go on."""
    # The phone typed in Arabic-Indic digits is the stored +57 310 555 0199 (0057 ...).
    case_open(
        membership=acting(None),
        organisation=organisation,
        identity=canary_identity(),
        facts=canary_facts(),
    )
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('cases:intake')}")
    page.fill("#id_legal_name", CANARY_NAME.upper())
    page.fill("#id_phone", "٠٠٥٧ ٣١٠ ٥٥٥ ٠١٩٩")
    page.select_option("#id_urgency", "priority")
    page.click("main button[type=submit]")

    warning = page.text_content("#possible-duplicates")
    assert "ask a coordinator" in warning.casefold()
    assert Case.objects.count() == 1
    page.check("#id_open_despite_duplicates")
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/*/")
    assert Case.objects.count() == 2
