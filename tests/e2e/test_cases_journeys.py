"""
Browser journeys through the cases workspace (Playwright driving Debian's Chromium).

Each journey signs in through the real forms and works only through the pages, as staff would.
"""

import pytest
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Case, Threat
from tests.acting import acting
from tests.cases.factories import CANARY_NAME, assigned_case, tension_facts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def take_in_a_defender(page, live_server) -> None:
    page.goto(f"{live_server.url}{reverse('cases:intake')}")
    page.fill("#id_legal_name", CANARY_NAME)
    page.fill("#id_phone", "+57 310 555 0101")
    page.select_option("#id_urgency", "emergency")
    page.fill("#id_nationalities", "CO")
    page.fill("#id_current_country", "CO")
    page.check("#id_consent_to_processing")
    page.fill("#id_consent_scope", "processing for protection")
    page.click("main button[type=submit]")


def test_intake_of_a_new_defender(page, live_server, caseworker, sign_in_through_browser):
    """A caseworker takes in a defender and lands on the case page, which shows the code, not the name (AZ-04)."""
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    take_in_a_defender(page, live_server)
    page.wait_for_url("**/cases/*/")

    case = Case.objects.get()
    assert case.code in page.text_content("main h1")
    assert CANARY_NAME not in page.content()
    assert "Emergency" in page.text_content("#case-status")
    page.goto(f"{live_server.url}/")
    assert case.code in page.text_content("#my-cases")


def test_logging_a_threat(page, live_server, organisation, caseworker, sign_in_through_browser):
    """A caseworker logs a threat with a narrative; it appears on the case's timeline."""
    case = assigned_case(organisation, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('cases:detail', kwargs={'case_id': case.pk})}")
    page.click("text=Log a threat")
    page.fill("#id_date", "2026-09-14")
    page.select_option("#id_kind", "death_threat")
    page.select_option("#id_actor", "paramilitary")
    page.select_option("#id_linked_to_work", "true")
    page.fill("#id_narrative", "A message left at the fictional community radio.")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/cases/{case.pk}/")

    assert "A message left at the fictional community radio." in page.text_content("#timeline")
    assert Threat.objects.get().details["kind"] == "death_threat"


def test_running_an_assessment_shows_the_tension(
    page, live_server, organisation, caseworker, sign_in_through_browser
):
    """An assessment of a defender on a return-requiring programme who will not return shows the tension, the actions owed and both regimes."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('cases:detail', kwargs={'case_id': case.pk})}")
    page.click("text=Run an assessment")
    page.select_option("#id_defender_risk_level", "critical")
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/assessments/*/")

    assert "Tension between the two regimes" in page.text_content("#tension")
    assert page.locator("#tension ol li").count() >= 1
    assert "Refugee protection" in page.text_content("#regimes")
    assert page.locator("#protection tbody tr").count() == 13
    assert "diverge" in page.text_content("#history")


def test_revealing_an_identity_with_a_reason(
    page, live_server, organisation, caseworker, sign_in_through_browser
):
    """The name appears only after a reason is given, and the reveal is audited (AZ-04, AUD-01)."""
    case = assigned_case(organisation, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{reverse('cases:detail', kwargs={'case_id': case.pk})}")
    assert CANARY_NAME not in page.content()
    page.click("text=Reveal identity")
    page.fill("#id_reason", "Preparing the visa application with the defender")
    page.click("main button[type=submit]")

    assert CANARY_NAME in page.text_content("#revealed-identity")
    assert AuditEvent.objects.filter(event_type=EventType.IDENTITY_REVEALED).count() == 1


def test_an_unassigned_caseworker_is_refused_then_breaks_glass(
    page, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    """An unassigned caseworker gets 404 for the case; break-glass with a reason opens it and tells the coordinator."""
    case = assigned_case(organisation, coordinator)
    url = f"{live_server.url}{reverse('cases:detail', kwargs={'case_id': case.pk})}"
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    refused = page.goto(url)
    assert refused.status == 404
    page.goto(f"{live_server.url}{reverse('cases:break_glass')}")
    page.fill("#id_code", case.code)
    page.fill("#id_reason", "The defender called the emergency line tonight")
    page.click("main button[type=submit]")
    page.wait_for_url(url)

    assert case.code in page.text_content("main h1")
    assert "emergency access" in page.text_content("main")
    assert AuditEvent.objects.filter(event_type=EventType.BREAK_GLASS).count() == 1


def test_another_organisations_member_is_refused_on_every_case_url(
    page, live_server, organisation, coordinator, outsider, sign_in_through_browser
):
    """A North Star coordinator gets 404 on every URL of a Harbour Light case (AZ-02)."""
    from haven.cases.services import assessment_run, attachment_add
    from tests.cases.factories import membership_of

    case = assigned_case(organisation, coordinator, facts=tension_facts())
    assessment = assessment_run(
        membership=membership_of(coordinator, organisation),
        case=case,
        staff_risk_level="high",
        defender_risk_level=None,
        staff_decision="",
    )
    attachment = attachment_add(
        membership=acting(coordinator), case=case, name="note.txt", data=b"fictional\n"
    )
    by_case = {"case_id": case.pk}
    urls = [
        reverse(name, kwargs=by_case)
        for name in (
            "cases:detail",
            "cases:reveal",
            "cases:threat_add",
            "cases:prosecution_add",
            "cases:dependant_add",
            "cases:consent_add",
            "cases:assessment_new",
        )
    ]
    urls.append(reverse("cases:facts_section", kwargs={**by_case, "section": "context"}))
    urls.append(reverse("cases:assessment", kwargs={"assessment_id": assessment.pk}))
    urls.append(reverse("cases:attachment", kwargs={"attachment_id": attachment.pk}))
    sign_in_through_browser(page, outsider)
    page.wait_for_url(f"{live_server.url}/")

    statuses = {url: page.goto(f"{live_server.url}{url}").status for url in urls}

    assert set(statuses.values()) == {404}, statuses
    assert case.code not in page.content()


def test_the_workspace_without_javascript(
    page_without_js, live_server, caseworker, sign_in_through_browser
):
    """
    With JavaScript off, a caseworker takes in a defender, adds a note, changes the urgency on its
    own page and filters the list.
    """
    page = page_without_js
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    take_in_a_defender(page, live_server)
    page.wait_for_url("**/cases/*/")
    page.click("#add-note a")  # every form has its own page: the case page renders none
    page.fill("#id_body", "Called back on the safe line; fictional.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/cases/*/")
    note_shown = "Called back on the safe line" in page.text_content("#timeline")
    page.click("text=Change the urgency or the deadline")  # a rare form: its own page
    page.select_option("#id_urgency", "priority")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/cases/*/")
    page.goto(f"{live_server.url}{reverse('cases:list')}")
    page.select_option("#id_urgency", "priority")
    page.click("form.filters button[type=submit] >> nth=0")
    page.wait_for_url("**/cases/?*")

    case = Case.objects.get()
    assert note_shown
    assert case.urgency == "priority"
    assert case.code in page.text_content("#case-table")


def test_filtering_the_list_with_javascript_swaps_only_the_table(
    page, live_server, organisation, caseworker, sign_in_through_browser
):
    """With JavaScript, htmx replaces the case table in place and keeps the filter in the address."""
    from haven.cases.models import URGENCY_RANK, Urgency

    urgent = assigned_case(organisation, caseworker, suffix=" urgent")
    Case.objects.filter(pk=urgent.pk).update(
        urgency=Urgency.EMERGENCY, urgency_rank=URGENCY_RANK[Urgency.EMERGENCY]
    )
    calm = assigned_case(organisation, caseworker, suffix=" calm")
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('cases:list')}")
    page.evaluate("window.marker = 'same page'")

    page.select_option("#id_urgency", "emergency")
    page.click("form.filters button[type=submit] >> nth=0")
    page.wait_for_url("**/cases/?*urgency=emergency*")

    table = page.text_content("#case-table")
    assert urgent.code in table and calm.code not in table
    assert page.evaluate("window.marker") == "same page"
