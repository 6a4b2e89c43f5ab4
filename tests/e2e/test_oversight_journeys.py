"""
Browser journeys of the oversight layer (issue 16): an erasure asked for by one coordinator,
approved by a second and carried out; and the analyst's report read with JavaScript off.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from haven.cases.models import Case, CaseErasure, CaseStatus, ErasureState
from haven.organisations.models import Role
from tests.cases.factories import open_canary_case
from tests.conftest import make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_erasure_is_asked_for_approved_by_a_second_coordinator_and_carried_out(
    browser, live_server, organisation, coordinator, sign_in_through_browser
):
    case = open_canary_case(organisation, coordinator, suffix="erase")
    second = make_member(organisation, Role.COORDINATOR, "sam.second")

    first_context, second_context = browser.new_context(), browser.new_context()
    first_page = first_context.new_page()
    sign_in_through_browser(first_page, coordinator)
    first_page.wait_for_url(f"{live_server.url}/")
    first_page.goto(f"{live_server.url}{reverse('cases:detail', kwargs={'case_id': case.pk})}")
    first_page.click("#erase-case")
    first_page.check("input[name=reason][value=retention_ended]")
    first_page.click("main button[type=submit]")
    first_page.wait_for_url("**/cases/erasures/*/")
    assert "Approve and erase" not in first_page.content()  # the requester cannot approve
    assert "Waiting for a second coordinator" in first_page.text_content("#erasure-state")

    second_page = second_context.new_page()
    sign_in_through_browser(second_page, second)
    second_page.wait_for_url(f"{live_server.url}/")
    second_page.goto(f"{live_server.url}{reverse('reports:overview')}")
    second_page.click(f"#pending-erasures >> text={case.code}")
    second_page.wait_for_url("**/cases/erasures/*/")
    second_page.click("text=Approve and erase")
    second_page.wait_for_url("**/cases/erasures/*/")

    assert "the case is erased" in second_page.text_content("#erasure-state")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ERASED
    assert CaseErasure.objects.get(case=case).state == ErasureState.APPROVED
    gone = first_page.goto(
        f"{live_server.url}{reverse('cases:detail', kwargs={'case_id': case.pk})}"
    )
    assert gone is not None and gone.status == 404
    first_context.close()
    second_context.close()


def test_the_analyst_reads_the_report_without_javascript(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    for i in range(6):
        open_canary_case(organisation, coordinator, suffix=f"r{i}")
    analyst = make_member(organisation, Role.ANALYST, "ana.analyst")
    page = page_without_js

    sign_in_through_browser(page, analyst)
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Reports")
    page.wait_for_url("**/reports/")

    assert page.locator("section.report-table").count() >= 8
    status_table = page.locator("#cases-by-status ~ .table-scroll table")
    assert status_table.locator("tfoot td").first.text_content() == "6"
    assert page.locator("#stays-by-stage").is_visible()
    assert page.locator("#time-in-stage").is_visible()
    body = page.text_content("main")
    assert "HV-" not in body  # counts, never a case
    with page.expect_download() as download:
        page.click("text=Download “Cases by stage” as CSV")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert content.splitlines()[-1].endswith(",6")
