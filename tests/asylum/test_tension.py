"""
Tension seen early (issue 13, item 1): on the application before submission, on the case page and
on the matching review, with the actions staff owe, to the case team only (AZ-02, AZ-03).
"""

import pytest

from haven.asylum.tension import tension_view
from haven.organisations.models import Role
from haven.programmes.services import matching_run_create
from tests.acting import acting
from tests.asylum.factories import draft_application, journalist_facing_a_warrant
from tests.conftest import make_member
from tests.programmes.factories import (
    assign,
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)
from tests.relocations.factories import host_partner_of

pytestmark = pytest.mark.django_db

TENSION = "Tension"
OWED = "No pressure either way"


def test_the_journalist_is_flagged_on_the_draft_before_submission(
    organisation, coordinator, sign_in_as
):
    programme = make_programme(organisation)
    case = journalist_facing_a_warrant(organisation, coordinator)
    application = draft_application(coordinator, case, programme)

    page = sign_in_as(coordinator).get(f"/programmes/applications/{application.pk}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert TENSION in text and OWED in text
    assert "This programme expects return" in text
    assert "The risk on return is Critical" in text
    assert "before the application is submitted" in text
    assert "UDHR art 14(1)" in text
    # The programme's own asylum policy is shown beside the duties.
    assert programme.asylum_policy in text


def test_the_case_page_lists_the_tension_for_each_programme(organisation, coordinator, sign_in_as):
    first = make_programme(organisation)
    other = make_programme(
        organisation, catalogue_id="harbour_two", name="Second Harbour (fictional)"
    )
    case = journalist_facing_a_warrant(organisation, coordinator)
    draft_application(coordinator, case, first)
    draft_application(coordinator, case, other)

    text = sign_in_as(coordinator).get(f"/cases/{case.pk}/").content.decode()

    assert f'id="tension-{first.pk}"' in text and f'id="tension-{other.pk}"' in text


def test_the_defenders_own_view_alone_flags_it_and_is_named(organisation, coordinator):
    programme = make_programme(organisation)
    case = open_fictional_case(organisation, coordinator, threats=[], own_risk_level="high")

    view = tension_view(membership=acting(coordinator), case=case, programme=programme)

    assert view is not None
    assert view.pulls == ("The defender's own view of their risk is High.",)


def test_nothing_is_flagged_when_nothing_stands_against_return(
    organisation, coordinator, sign_in_as
):
    programme = make_programme(organisation)
    case = open_fictional_case(organisation, coordinator, threats=[])
    application = draft_application(coordinator, case, programme)

    assert tension_view(membership=acting(coordinator), case=case, programme=programme) is None
    page = sign_in_as(coordinator).get(f"/programmes/applications/{application.pk}/")
    assert TENSION not in page.content.decode()


def test_a_programme_that_does_not_expect_return_raises_nothing(organisation, coordinator):
    programme = make_programme(organisation, requires_return_intent=False)
    case = journalist_facing_a_warrant(organisation, coordinator)

    assert tension_view(membership=acting(coordinator), case=case, programme=programme) is None


def test_an_unrecorded_return_rule_and_asylum_policy_are_said_in_words(organisation, coordinator):
    programme = make_programme(organisation, requires_return_intent=None, asylum_policy=None)
    case = open_fictional_case(organisation, coordinator, threats=[], intends_to_return=False)

    view = tension_view(membership=acting(coordinator), case=case, programme=programme)

    assert view is not None
    assert "its rule is not recorded" in view.heading
    assert view.owed[0][0].startswith("Ask the programme for its asylum policy")


def test_the_matching_review_flags_the_placement(organisation, coordinator, sign_in_as):
    programme = make_programme(organisation)
    window = make_window(programme, coordinator)
    case = journalist_facing_a_warrant(organisation, coordinator)
    submitted_application(coordinator, case, programme, window)
    run = matching_run_create(
        membership=acting(coordinator), organisation=organisation, windows=[window], seed=1
    )

    text = sign_in_as(coordinator).get(f"/programmes/runs/{run.pk}/").content.decode()

    assert TENSION in text and case.code in text and OWED in text


def test_the_host_partner_analyst_and_other_organisations_never_see_it(
    organisation, coordinator, outsider, sign_in_as
):
    programme = make_programme(organisation)
    window = make_window(programme, coordinator)
    case = journalist_facing_a_warrant(organisation, coordinator)
    application = submitted_application(coordinator, case, programme, window)
    host = host_partner_of(programme, organisation)
    analyst = make_member(organisation, Role.ANALYST, "ana.tension")

    for user in (host, analyst, outsider):
        client = sign_in_as(user)
        for url in (f"/programmes/applications/{application.pk}/", f"/cases/{case.pk}/"):
            response = client.get(url)
            assert response.status_code == 404, (user.username, url)
            assert OWED not in response.content.decode()
    hosted = sign_in_as(host).get("/programmes/hosted/").content.decode()
    assert OWED not in hosted and "Tension" not in hosted


def test_an_unassigned_caseworker_does_not_see_it_and_an_assigned_one_does(
    organisation, coordinator, caseworker, sign_in_as
):
    programme = make_programme(organisation)
    case = journalist_facing_a_warrant(organisation, coordinator)
    application = draft_application(coordinator, case, programme)
    url = f"/programmes/applications/{application.pk}/"

    assert sign_in_as(caseworker).get(url).status_code == 404
    assign(case, caseworker)
    assert OWED in sign_in_as(caseworker).get(url).content.decode()
