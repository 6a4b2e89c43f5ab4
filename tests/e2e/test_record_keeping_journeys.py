"""
Issue 15, records part, in a browser: withdrawing a consent, recording the staff decision after
the engines' result, correcting a threat, and a proposal that respects the date to leave by with
one placement taken out before approval. Fictional people only.
"""

import datetime

import pytest
from django.utils import timezone

from haven.cases.models import AssessmentDecision, Consent, RecordCorrection, Threat
from haven.cases.services import consent_record, threat_record
from haven.programmes.models import Application
from haven.programmes.services import matching_limits_set
from tests.acting import acting
from tests.cases.factories import assigned_case, membership_of, tension_facts
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_withdraws_a_consent_after_confirming_it(
    page_without_js, live_server, organisation, caseworker, sign_in_through_browser
):
    """From the case page: the withdrawal page asks for a reason, method, language and a tick."""
    page = page_without_js
    case = assigned_case(organisation, caseworker)
    consent_record(
        membership=acting(caseworker),
        case=case,
        purpose="share_with_programme",
        given_on=timezone.localdate(),
        scope="share the file with the fictional programme",
    )
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("#case-records >> text=Withdraw")
    page.wait_for_url("**/withdraw/")
    page.fill("#id_reason", "She no longer wants the programme to see her file")
    page.select_option("#id_method", "video_call")
    page.select_option("#id_language", "fr")
    page.click("main button[type=submit]")
    assert Consent.objects.get().withdrawn_at is None, "nothing happens without the tick"
    page.check("#id_confirm")
    page.fill("#id_reason", "She no longer wants the programme to see her file")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")

    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal["method"] == "video_call" and consent.withdrawal["language"] == "fr"
    timeline = page.text_content("#timeline")
    assert "In a video call" in timeline and "French" in timeline


def test_the_staff_decision_is_recorded_after_reading_the_result(
    page, live_server, organisation, caseworker, sign_in_through_browser
):
    """Run the engines, read the result, record a decision that departs from the advice."""
    case = assigned_case(organisation, caseworker, facts=tension_facts())
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/cases/{case.pk}/assessments/new/")
    page.click("text=Run the engines")
    page.wait_for_url("**/cases/assessments/*/")
    assert "No decision yet" in page.text_content("#staff-decision")
    page.select_option("#id_staff_risk_level", "critical")
    page.fill("#id_reasons", "A raid on her office last week is not in the engines' facts yet")
    page.click("#staff-decision button[type=submit]")
    page.wait_for_url("**/cases/assessments/*/")

    decision = AssessmentDecision.objects.get()
    assert decision.staff_risk_level == "critical"
    section = page.text_content("#staff-decision")
    assert "The engines advised" in section and "A raid on her office" in section


def test_a_threat_is_corrected_and_its_history_shown(
    page_without_js, live_server, organisation, caseworker, sign_in_through_browser
):
    """Correct a threat's actor from the case page; the old version is on the correction page."""
    page = page_without_js
    case = assigned_case(organisation, caseworker)
    threat_record(
        membership=membership_of(caseworker, organisation),
        case=case,
        details={"date": "2026-03-02", "kind": "death_threat", "actor": "paramilitary"},
    )
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("#case-records >> text=Correct")
    page.wait_for_url("**/correct/")
    page.select_option("#id_actor", "police")
    page.fill("#id_correction_reason", "The letter names the police, not a paramilitary group")
    page.click("text=Save the correction")
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")

    assert Threat.objects.get().details["actor"] == "police"
    assert RecordCorrection.objects.get().previous["details"]["actor"] == "paramilitary"
    assert "The letter names the police" in page.text_content("#timeline")


def test_a_proposal_respects_the_date_to_leave_by_and_one_placement_is_taken_out(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    """A late window is excluded with both dates; one placement is removed; approval offers the rest."""
    page = page_without_js
    programme = make_programme(organisation)
    april = make_window(programme, name="April cohort", places=3)
    june = make_window(
        programme,
        name="June cohort",
        stay_starts_on=datetime.date(2027, 6, 1),
        stay_ends_on=datetime.date(2027, 9, 1),
    )
    pressed, kept, removed = (open_fictional_case(organisation) for _ in range(3))
    for case in (pressed, kept, removed):
        submitted_application(coordinator, case, programme)
    matching_limits_set(
        membership=acting(coordinator),
        case=pressed,
        host_countries=[],
        must_leave_by=datetime.date(2027, 4, 15),
    )
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programmes/runs/")
    page.check(f"input[name=windows][value='{april.pk}']")
    page.check(f"input[name=windows][value='{june.pk}']")
    page.click("text=Propose placements")
    page.wait_for_url("**/programmes/runs/*/")
    pressed_row = page.locator("tr", has_text=pressed.code).first.text_content()
    assert "June cohort" in pressed_row and "must leave by" in pressed_row
    row = page.locator("tr", has_text=removed.code).first
    row.locator("summary", has_text="Take this placement out").click()
    row.locator("textarea").fill("Her lawyer asks to wait for the court date")
    row.locator("text=Take it out; keep the others").click()
    page.wait_for_url("**/programmes/runs/*/")
    assert "Taken out of this proposal" in page.text_content("main")
    page.click("text=Approve: make these offers")
    page.wait_for_url("**/programmes/runs/*/")

    assert Application.objects.get(case=removed).status == "submitted"
    pressed_application = Application.objects.get(case=pressed)
    assert pressed_application.status == "offered"
    assert pressed_application.intake_window_id == april.pk
    assert Application.objects.get(case=kept).status == "offered"
