"""
The host state's rules and deadline warnings (issue 13, item 2): at 90, 30 and 7 days before a
date, computed from the stay's confirmed arrival; seen by the case team and the defender only
(AZ-02, AZ-03); and the assessment's jurisdiction follows the host state, with a warning.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.acting import SYSTEM
from haven.asylum.deadlines import host_state_view
from haven.cases.models import Case
from haven.cases.selectors import case_facts
from haven.domain.host_states import add_months
from haven.organisations.models import Role
from haven.portal.models import Referral, ReferralStatus
from haven.relocations.models import VisaApplication
from haven.vault.keyring import keyring_scope
from tests.asylum.factories import stay_in
from tests.conftest import make_member
from tests.portal.helpers import sign_in, submit_referral
from tests.programmes.factories import assign, open_fictional_case
from tests.relocations.factories import host_partner_of

pytestmark = pytest.mark.django_db

WARNINGS = 'id="deadline-warnings"'


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def _arrived_for_us(days_left: int) -> int:
    """Days since arrival that leave ``days_left`` days of the US one-year limit."""
    today = timezone.localdate()
    for since in range(200, 420):
        arrival = today - datetime.timedelta(days=since)
        if (add_months(arrival, 12) - today).days == days_left:
            return since
    raise AssertionError(days_left)


def test_spain_one_month_from_the_confirmed_arrival_warns_at_seven_days(organisation, coordinator):
    """Ley 12/2009 art 17.2: one calendar month from entry; 25 days in, under 7 days are left."""
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)

    view = host_state_view(stay.case)

    assert view is not None and view.from_stay and view.entered_on == stay.arrived_on
    [warning] = view.hard_warnings
    assert warning.due_on == add_months(stay.arrived_on, 1)
    assert warning.level == "7_days" and 0 <= warning.days_left <= 7
    assert "Spain: a claim is due by" in warning.sentence
    assert "Ley 12/2009 art 17.2" in warning.sources


@pytest.mark.parametrize(
    ("days_left", "level"),
    [(91, ""), (90, "90_days"), (31, "90_days"), (30, "30_days"), (8, "30_days"), (7, "7_days"),
     (0, "7_days"), (-1, "passed")],
)  # fmt: skip
def test_the_us_one_year_limit_warns_at_90_30_and_7_days(
    organisation, coordinator, days_left, level
):
    """8 U.S.C. 1158(a)(2)(B): one year from the last arrival."""
    stay = stay_in(organisation, coordinator, "US", arrived_days_ago=_arrived_for_us(days_left))

    view = host_state_view(stay.case)

    assert view is not None
    lines = [*view.warnings, *view.later]
    [filing] = [line for line in lines if line.hard]
    assert filing.days_left == days_left
    assert filing.level == level
    assert (filing in view.warnings) == bool(level)


def test_no_fixed_deadline_is_said_and_no_date_invented(organisation, coordinator):
    stay = stay_in(organisation, coordinator, "NL", arrived_days_ago=20)

    view = host_state_view(stay.case)

    assert view is not None and view.warnings == ()
    assert any("Netherlands: no fixed deadline." in caution for caution in view.cautions)


def test_without_a_stay_the_host_state_is_where_the_defender_is(organisation, coordinator):
    case = open_fictional_case(organisation, coordinator, current_country="ES")

    view = host_state_view(case)

    assert view is not None and view.host_state == "ES" and not view.from_stay
    assert view.warnings == () and view.later == ()
    assert "is not recorded here, so no deadline can be computed" in view.cautions[0]


def test_at_home_there_is_no_host_state(organisation, coordinator):
    assert host_state_view(open_fictional_case(organisation, coordinator)) is None


def test_the_case_team_sees_the_warning_on_the_case_page(
    organisation, coordinator, caseworker, sign_in_as
):
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
    assign(stay.case, caseworker)
    legal = make_member(organisation, Role.LEGAL_ADVISER, "lena.deadline")
    assign(stay.case, legal)

    for user in (coordinator, caseworker, legal):
        text = sign_in_as(user).get(f"/cases/{stay.case.pk}/").content.decode()
        assert "Asylum rules in Spain" in text and WARNINGS in text, user.username
        assert "Within 7 days" in text and "hard time limit" in text


def test_host_partners_analysts_and_other_organisations_never_see_it(
    organisation, coordinator, caseworker, outsider, sign_in_as
):
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
    host = host_partner_of(stay.programme, organisation)
    analyst = make_member(organisation, Role.ANALYST, "ana.deadline")

    for user in (host, analyst, outsider, caseworker):
        response = sign_in_as(user).get(f"/cases/{stay.case.pk}/")
        assert response.status_code == 404, user.username
    # The host partner's own view of the stay carries no word of it.
    stay_page = sign_in_as(host).get(f"/relocations/{stay.pk}/")
    assert stay_page.status_code == 200
    text = stay_page.content.decode()
    assert WARNINGS not in text and "Asylum rules" not in text and "time limit" not in text


def test_the_defender_sees_the_warning_on_their_portal_page(client, organisation, coordinator):
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
    _response, code = submit_referral(client, organisation)
    client.cookies.clear()
    Referral.objects.update(case=stay.case, status=ReferralStatus.CASE_OPENED)

    sign_in(client, code)
    text = client.get("/portal/status/").content.decode()

    assert 'id="asylum-deadlines"' in text
    assert "Spain: a claim is due by" in text
    assert "nobody may pressure you either way" in text


def test_the_defender_at_home_sees_nothing_of_it(client, organisation, coordinator):
    case = open_fictional_case(organisation, coordinator)
    _response, code = submit_referral(client, organisation)
    client.cookies.clear()
    Referral.objects.update(case=case, status=ReferralStatus.CASE_OPENED)

    sign_in(client, code)

    assert 'id="asylum-deadlines"' not in client.get("/portal/status/").content.decode()


def _record_jurisdiction(case: Case, jurisdiction: str) -> None:
    with keyring_scope():
        case.refresh_from_db()
        facts = dict(case.facts)
        facts["claim"] = {**facts.get("claim", {}), "jurisdiction": jurisdiction}
        case.facts = facts
        case.save(update_fields=["facts"])


def test_the_engines_use_the_host_states_jurisdiction(organisation, coordinator):
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=10)

    with keyring_scope():
        assert case_facts(membership=SYSTEM, case=stay.case)["claim"]["jurisdiction"] == "EU"


def test_a_defender_in_spain_recorded_under_uk_standards_gets_a_warning(
    organisation, coordinator, sign_in_as
):
    """The issue's example: assessed under UK standards while in Spain, without a warning."""
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=10)
    _record_jurisdiction(stay.case, "UK")

    text = sign_in_as(coordinator).get(f"/cases/{stay.case.pk}/").content.decode()

    assert 'id="jurisdiction-warning"' in text
    assert (
        "The defender is in Spain, where claims are decided under the European Union standard"
        in text
    )
    assert "but the case records United Kingdom" in text
    with keyring_scope():
        assert case_facts(membership=SYSTEM, case=stay.case)["claim"]["jurisdiction"] == "EU"


def test_my_cases_on_the_dashboard_lists_the_warning_for_the_assigned_caseworker_only(
    organisation, coordinator, caseworker, sign_in_as
):
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
    other = make_member(organisation, Role.CASEWORKER, "cora.notassigned")
    host = host_partner_of(stay.programme, organisation)

    assert "Asylum deadlines on my cases" not in sign_in_as(caseworker).get("/").content.decode()
    assign(stay.case, caseworker)
    text = sign_in_as(caseworker).get("/").content.decode()
    assert "Asylum deadlines on my cases" in text and stay.case.code in text
    assert "Within 7 days" in text
    for user in (other, host):
        assert "Asylum deadlines" not in sign_in_as(user).get("/").content.decode()


def test_the_dashboard_does_not_grow_with_stays_under_deadlines(
    organisation, coordinator, caseworker, sign_in_as
):
    """Stays, visas and incidents are read in three queries, however many cases have warnings."""

    def stay_with_warning():
        stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
        assign(stay.case, caseworker)

    client = sign_in_as(caseworker)
    stay_with_warning()
    few = count_queries(lambda: client.get("/"))
    for _index in range(3):
        stay_with_warning()

    many = count_queries(lambda: client.get("/"))

    assert many == few
    assert client.get("/").content.decode().count("Within 7 days") == 4


# --- Dublin III art 12 on a real case: the visa's issuing state recorded on the stay page ------


def _visa_through_the_stay_page(client, stay, issuer: str, valid_until: datetime.date):
    return client.post(
        reverse("relocations:visa", kwargs={"stay_id": stay.pk}),
        {
            "route": "schengen_short_stay",
            "outcome": "granted",
            "issuing_state": issuer,
            "valid_from": (stay.arrived_on - datetime.timedelta(days=10)).isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )


def test_a_schengen_visa_from_another_state_shows_the_dublin_point_on_the_case(
    organisation, coordinator, sign_in_as
):
    """Dublin III art 12(2)/(4): a visa issued by Germany, the defender in the Netherlands."""
    stay = stay_in(organisation, coordinator, "NL", arrived_days_ago=20)
    valid_until = timezone.localdate() + datetime.timedelta(days=40)
    client = sign_in_as(coordinator)

    response = _visa_through_the_stay_page(client, stay, "Germany", valid_until)

    assert response.status_code == 302
    visa = VisaApplication.objects.filter(stay=stay).order_by("-recorded_at").first()
    assert visa.issuing_state == "DE"
    stay_page = client.get(reverse("relocations:detail", kwargs={"stay_id": stay.pk}))
    assert "State that issued the visa" in stay_page.content.decode()
    assert "Germany" in stay_page.content.decode()
    view = host_state_view(stay.case)
    lines = [line.sentence for line in (*view.warnings, *view.later)]
    [dublin] = [line for line in lines if "The visa was issued by Germany" in line]
    assert "transferred to Germany" in dublin
    case_page = client.get(reverse("cases:detail", kwargs={"case_id": stay.case_id}))
    assert "The visa was issued by Germany" in case_page.content.decode()


def test_a_visa_from_the_host_state_itself_raises_no_dublin_point(
    organisation, coordinator, sign_in_as
):
    stay = stay_in(organisation, coordinator, "NL", arrived_days_ago=20)
    client = sign_in_as(coordinator)

    _visa_through_the_stay_page(
        client, stay, "NL", timezone.localdate() + datetime.timedelta(days=40)
    )

    view = host_state_view(stay.case)
    assert not [
        line for line in (*view.warnings, *view.later) if "The visa was issued by" in line.sentence
    ]


def test_an_issuing_state_that_is_no_country_is_refused_and_nothing_saved(
    organisation, coordinator, sign_in_as
):
    stay = stay_in(organisation, coordinator, "NL", arrived_days_ago=20)
    before = VisaApplication.objects.filter(stay=stay).count()

    response = _visa_through_the_stay_page(
        sign_in_as(coordinator), stay, "Atlantis", timezone.localdate()
    )

    assert response.status_code == 400
    assert VisaApplication.objects.filter(stay=stay).count() == before
