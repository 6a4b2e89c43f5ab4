"""The programmes screens: who reaches what, the happy paths, and bad input answered with 400."""

import pytest
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from haven.programmes.models import Application, IntakeWindow, MatchingRun, Programme
from haven.programmes.services import application_create, matching_run_create
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.programmes.factories import (
    assign,
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)


def test_the_catalogue_lists_programmes_and_seeds_on_request(organisation, coordinator, sign_in_as):
    """A coordinator seeds the catalogue with one click and sees the programmes listed."""
    client = sign_in_as(coordinator)

    response = client.post(reverse("programmes:seed"), follow=True)

    assert response.status_code == 200
    assert Programme.objects.filter(organisation=organisation).count() > 20
    assert "Shelter City Netherlands" in response.content.decode()


def test_a_coordinator_edits_a_programme_and_the_change_is_audited(
    organisation, coordinator, sign_in_as
):
    """The edit form saves the fields and records their names (AZ-08: explicit fields)."""
    programme = make_programme(organisation)
    client = sign_in_as(coordinator)
    form = client.get(reverse("programmes:edit", kwargs={"programme_id": programme.pk}))
    data = {
        bound.name: "" if bound.value() is None else bound.value() for bound in form.context["form"]
    }
    data |= {
        "places_per_year": "12",
        "eligible_nationalities": "",
        "languages_required": "en, FR",
        "host_countries": "netherlands; Georgia",
        "provides": "housing, psychosocial",
        "requires_return_intent": "true",
        "family_allowed": "true",
        "requires_refugee_status": "false",
        "must_be_outside_home_country": "unknown",
        "organisation": "someone-else",
    }

    response = client.post(reverse("programmes:edit", kwargs={"programme_id": programme.pk}), data)

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.places_per_year == 12
    assert programme.languages_required == ["en", "fr"]
    assert programme.host_countries == ["NL", "GE"]
    assert programme.eligible_nationalities is None
    assert programme.organisation == organisation
    event = AuditEvent.objects.get(event_type=EventType.PROGRAMME_UPDATED)
    assert event.data["fields"] == ["host_countries", "languages_required", "places_per_year"]


def test_a_bad_code_in_the_edit_form_is_a_400_and_changes_nothing(
    organisation, coordinator, sign_in_as
):
    """A name that is no country is answered 400 with the message; the programme is unchanged."""
    programme = make_programme(organisation)
    client = sign_in_as(coordinator)

    response = client.post(
        reverse("programmes:edit", kwargs={"programme_id": programme.pk}),
        {"name": "X", "kind": "respite", "scope": "regional", "host_countries": "Lilliput"},
    )

    assert response.status_code == 400
    assert "We do not know a country called “Lilliput”" in response.content.decode()
    programme.refresh_from_db()
    assert programme.kind == "temporary_relocation"


def test_a_window_with_dates_the_wrong_way_round_is_a_400(organisation, coordinator, sign_in_as):
    """The window form shows the service's reason and saves nothing."""
    programme = make_programme(organisation)
    client = sign_in_as(coordinator)

    response = client.post(
        reverse("programmes:window_create", kwargs={"programme_id": programme.pk}),
        {
            "name": "Autumn",
            "opens_on": "2027-03-01",
            "closes_on": "2027-02-01",
            "places": "3",
            "status": "open",
        },
    )

    assert response.status_code == 400
    assert "cannot close before it opens" in response.content.decode()
    assert not IntakeWindow.objects.exists()


def test_a_caseworker_applies_consents_and_submits_through_the_screens(
    organisation, caseworker, sign_in_as
):
    """
    A caseworker assigned to the case: draft, the eligibility reasons and consent texts on screen,
    consent, then submission.
    """
    programme = make_programme(organisation)
    case = assign(open_fictional_case(organisation), caseworker)
    client = sign_in_as(caseworker)

    created = client.post(
        reverse("programmes:case_applications", kwargs={"case_id": case.pk}),
        {"programme": programme.pk, "route": "applied", "preference_rank": "1"},
    )
    application = Application.objects.get(case=case)
    assert created["Location"] == reverse(
        "programmes:application", kwargs={"application_id": application.pk}
    )
    page = client.get(created["Location"]).content.decode()
    assert "Works in en (Languages required)." in page
    assert "does not support asylum claims" in page

    client.post(
        reverse("programmes:application_consent", kwargs={"application_id": application.pk})
    )
    client.post(
        reverse("programmes:application_status", kwargs={"application_id": application.pk}),
        {"status": "submitted"},
    )

    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.preference_rank == 1
    assert application.consent_recorded_by == caseworker


def test_a_caseworker_cannot_shortlist_or_reach_matching(organisation, caseworker, sign_in_as):
    """Shortlisting and offers are a coordinator's; matching runs are 404 to a caseworker."""
    application = submitted_application(
        caseworker,
        assign(open_fictional_case(organisation), caseworker),
        make_programme(organisation),
    )
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("programmes:application_status", kwargs={"application_id": application.pk}),
        {"status": "shortlisted"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == "submitted"
    assert "Only a coordinator" in response.content.decode()
    assert client.get(reverse("programmes:runs")).status_code == 404


def test_a_caseworker_not_on_the_case_gets_404_for_its_applications(
    organisation, caseworker, coordinator, sign_in_as
):
    """
    Need-to-know (AZ-03): a caseworker not assigned to a case can neither list nor start its
    applications, nor open one a coordinator made; the answer is the 404 of a missing case.
    """
    programme = make_programme(organisation)
    case = open_fictional_case(organisation)
    application = submitted_application(coordinator, case, programme)
    client = sign_in_as(caseworker)
    applications_url = reverse("programmes:case_applications", kwargs={"case_id": case.pk})

    assert client.get(applications_url).status_code == 404
    assert (
        client.post(applications_url, {"programme": programme.pk, "route": "applied"}).status_code
        == 404
    )
    assert (
        client.get(
            reverse("programmes:application", kwargs={"application_id": application.pk})
        ).status_code
        == 404
    )
    assert Application.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("role", [Role.HOST_PARTNER, Role.AUDITOR, Role.ANALYST])
def test_roles_without_programme_permissions_get_404(organisation, personas, sign_in_as, role):
    """Host partners, auditors and analysts reach neither the catalogue nor matching."""
    programme = make_programme(organisation)
    client = sign_in_as(personas[role])

    for url in (
        reverse("programmes:list"),
        reverse("programmes:detail", kwargs={"programme_id": programme.pk}),
        reverse("programmes:runs"),
    ):
        assert client.get(url).status_code == 404


def test_another_organisations_application_is_404(organisation, outsider, coordinator, sign_in_as):
    """An application of Harbour Light is not found for North Star's coordinator (AZ-02)."""
    application = application_create(
        membership=acting(coordinator),
        case=open_fictional_case(organisation),
        programme=make_programme(organisation),
        route="applied",
    )
    client = sign_in_as(outsider)

    assert (
        client.get(
            reverse("programmes:application", kwargs={"application_id": application.pk})
        ).status_code
        == 404
    )


def test_a_coordinator_runs_reviews_and_approves_matching(organisation, coordinator, sign_in_as):
    """The run form proposes, the review explains placed and unplaced, approval makes offers."""
    window = make_window(make_programme(organisation), places=1)
    placed_case = open_fictional_case(organisation, threats=[])
    left_case = open_fictional_case(organisation, languages=["es"])
    for case in (placed_case, left_case):
        submitted_application(coordinator, case, window.programme)
    client = sign_in_as(coordinator)

    created = client.post(reverse("programmes:runs"), {"windows": [window.pk], "seed": "3"})
    run = MatchingRun.objects.get()
    assert created["Location"] == reverse("programmes:run", kwargs={"run_id": run.pk})
    review = client.get(created["Location"]).content.decode()
    assert placed_case.code in review and left_case.code in review
    assert "the eligibility engine finds the case not eligible" in review
    assert "Spring cohort" in review

    approve = reverse("programmes:run_approve", kwargs={"run_id": run.pk})
    approved = client.post(approve, follow=True)

    assert approved.redirect_chain == [(created["Location"], 302)]
    assert "1 offer(s) made." in approved.content.decode()
    assert Application.objects.get(case=placed_case).status == "offered"
    assert Application.objects.get(case=left_case).status == "submitted"
    again = client.post(approve, follow=True).content.decode()
    assert "This run was approved already." in again
    assert "offer(s) made" not in again


def test_a_run_without_windows_is_a_400(organisation, coordinator, sign_in_as):
    """Submitting the run form with no window chosen re-shows it with status 400."""
    client = sign_in_as(coordinator)

    response = client.post(reverse("programmes:runs"), {"windows": []})

    assert response.status_code == 400
    assert not MatchingRun.objects.exists()


def test_a_run_of_another_organisation_is_404(organisation, coordinator, outsider, sign_in_as):
    """North Star cannot open or approve Harbour Light's run (AZ-02)."""
    window = make_window(make_programme(organisation))
    submitted_application(coordinator, open_fictional_case(organisation), window.programme)
    run = matching_run_create(
        membership=acting(coordinator), organisation=organisation, windows=[window]
    )
    client = sign_in_as(outsider)

    assert client.get(reverse("programmes:run", kwargs={"run_id": run.pk})).status_code == 404
    assert (
        client.post(reverse("programmes:run_approve", kwargs={"run_id": run.pk})).status_code == 404
    )
    run.refresh_from_db()
    assert run.status == "proposed"


def test_coordinators_list_applications_by_status(organisation, coordinator, sign_in_as):
    """The list filters by status, so a coordinator finds what waits to be shortlisted."""
    programme = make_programme(organisation)
    waiting = open_fictional_case(organisation)
    drafting = open_fictional_case(organisation)
    submitted_application(coordinator, waiting, programme)
    application_create(
        membership=acting(coordinator), case=drafting, programme=programme, route="applied"
    )
    client = sign_in_as(coordinator)

    page = client.get(reverse("programmes:applications"), {"status": "submitted"})

    assert page.status_code == 200
    body = page.content.decode()
    assert waiting.code in body and drafting.code not in body
    assert client.get(reverse("programmes:applications"), {"status": "lost"}).status_code == 400


def test_the_case_page_links_to_its_applications_for_those_who_may_apply(
    organisation, personas, sign_in_as
):
    """
    Coordinators and assigned caseworkers find the case's programme applications from the case
    page; a legal adviser on the case sees the case but not the link (no applications permission).
    """
    case = open_fictional_case(organisation)
    assign(case, personas[Role.CASEWORKER])
    assign(case, personas[Role.LEGAL_ADVISER])
    link = reverse("programmes:case_applications", kwargs={"case_id": case.pk})
    case_page = reverse("cases:detail", kwargs={"case_id": case.pk})

    for role, shown in (
        (Role.COORDINATOR, True),
        (Role.CASEWORKER, True),
        (Role.LEGAL_ADVISER, False),
    ):
        response = sign_in_as(personas[role]).get(case_page)
        assert response.status_code == 200
        assert (link in response.content.decode()) is shown, role


def test_the_eligibility_reasons_read_in_the_readers_language(organisation, caseworker, sign_in_as):
    """Rule 12 of issue 10: a snapshot with message keys reads in Spanish; one without, in English."""
    programme = make_programme(organisation)
    case = assign(open_fictional_case(organisation), caseworker)
    client = sign_in_as(caseworker)
    created = client.post(
        reverse("programmes:case_applications", kwargs={"case_id": case.pk}),
        {"programme": programme.pk, "route": "applied", "preference_rank": "1"},
    )
    client.post(reverse("set_language"), {"language": "es", "next": "/"})

    page = client.get(created["Location"]).content.decode()
    assert "Trabaja en en (" in page
    assert "Works in en" not in page
    assert '<ul lang="es" dir="ltr">' in page

    application = Application.objects.get(case=case)
    with keyring_scope():
        snapshot = dict(application.eligibility)
        del snapshot["reason_messages"]
        application.eligibility = snapshot
        application.save(update_fields=["eligibility"])
    page = client.get(created["Location"]).content.decode()
    assert "Works in en (" in page
    assert '<ul lang="en" dir="ltr">' in page
