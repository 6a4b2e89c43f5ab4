"""
Stays, check-ins, portal referrals and reports through the API (issue 16): the same reach as the
web pages, 404 for what the member or the token's scope may not reach, counts suppressed as on the
report page.
"""

import uuid

import pytest
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from haven.relocations import services as stay_services
from tests.conftest import make_member
from tests.relocations.factories import arrived_stay, host_partner_of, membership_of
from tests.web.url_walk import _referral


@pytest.fixture
def stay(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)
    stay_services.check_in_record(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        done_on=stay.arrived_on,
        mode="call",
        flags=["rested"],
        note="Fictional: sleeping better",
        psychosocial_referral=False,
    )
    return stay


def test_the_coordinator_reads_stays_and_check_ins(stay, coordinator, make_token, api_client):
    client = api_client(make_token(coordinator))

    listed = client.get(reverse("api:stay_list")).json()
    one = client.get(reverse("api:stay_detail", kwargs={"stay_id": stay.pk})).json()
    check_ins = client.get(reverse("api:stay_check_ins", kwargs={"stay_id": stay.pk})).json()

    assert [item["id"] for item in listed["items"]] == [str(stay.pk)]
    assert one["case_id"] == str(stay.case_id)
    assert one["host_country"] == stay.host_country
    assert [c["flags"] for c in check_ins] == [["rested"]]
    assert "host_city" not in one and "needs" not in one


def test_a_host_partner_cannot_make_a_token_that_reads_stays(stay, organisation, make_token):
    """Host partners have no case permission, so no ``cases:read`` token: the API serves staff."""
    from haven.api.tokens import TokenError

    host = host_partner_of(stay.programme, organisation)
    with pytest.raises(TokenError):
        make_token(host)


def test_a_stay_out_of_reach_reads_like_one_that_does_not_exist(
    stay, organisation, caseworker, make_token, api_client
):
    client = api_client(make_token(caseworker))  # not assigned to the stay's case

    hidden = client.get(reverse("api:stay_detail", kwargs={"stay_id": stay.pk}))
    missing = client.get(reverse("api:stay_detail", kwargs={"stay_id": uuid.uuid4()}))
    hidden_check_ins = client.get(reverse("api:stay_check_ins", kwargs={"stay_id": stay.pk}))

    assert hidden.status_code == missing.status_code == hidden_check_ins.status_code == 404
    assert hidden.json() == missing.json()
    assert client.get(reverse("api:stay_list")).json()["count"] == 0


def test_referrals_answer_plain_columns_to_members_who_triage(
    organisation, coordinator, make_token, api_client
):
    referral_id = _referral(organisation, coordinator)
    client = api_client(make_token(coordinator))

    listed = client.get(reverse("api:referral_list")).json()
    one = client.get(reverse("api:referral_detail", kwargs={"referral_id": referral_id}))

    assert [item["id"] for item in listed["items"]] == [str(referral_id)]
    assert one.status_code == 200
    assert set(one.json()) == {
        "id",
        "reference",
        "status",
        "urgency",
        "language",
        "submitted_at",
        "decided_at",
        "case_id",
    }
    assert "CANARY" not in one.content.decode()


def test_a_legal_adviser_who_does_not_triage_gets_404_for_referrals(
    organisation, coordinator, make_token, api_client
):
    referral_id = _referral(organisation, coordinator)
    adviser = make_member(organisation, Role.LEGAL_ADVISER, "lea.legal")
    client = api_client(make_token(adviser))

    assert client.get(reverse("api:referral_list")).status_code == 404
    one = client.get(reverse("api:referral_detail", kwargs={"referral_id": referral_id}))
    assert one.status_code == 404


@pytest.fixture
def analyst(organisation):
    return make_member(organisation, Role.ANALYST, "ana.analyst")


def test_an_analyst_token_reads_suppressed_report_tables(stay, analyst, make_token, api_client):
    client = api_client(make_token(analyst, scopes=("reports:read",)))

    tables = client.get(reverse("api:report_list")).json()
    table = client.get(reverse("api:report_table", kwargs={"table": "stays-by-stage"})).json()

    assert "stays-by-stage" in {t["slug"] for t in tables}
    cells = [cell for row in table["rows"] for cell in row["cells"]]
    planned = next(row for row in table["rows"] if row["label"] == "In the stay")["cells"][0]
    assert planned == {"text": "<5", "count": None}  # the one stay is never sent as a count
    assert all(cell["count"] is None or cell["count"] == 0 or cell["count"] >= 5 for cell in cells)
    assert client.get(reverse("api:stay_list")).status_code == 404  # outside the token's scope


def test_a_cases_token_cannot_read_reports_and_an_unknown_table_is_404(
    coordinator, make_token, api_client
):
    cases_only = api_client(make_token(coordinator))
    reports = api_client(make_token(coordinator, scopes=("reports:read",)))

    assert cases_only.get(reverse("api:report_list")).status_code == 404
    unknown = reports.get(reverse("api:report_table", kwargs={"table": "no-such-table"}))
    assert unknown.status_code == 404


def test_every_call_is_audited_with_ids_only(stay, coordinator, make_token, api_client):
    api_client(make_token(coordinator)).get(
        reverse("api:stay_check_ins", kwargs={"stay_id": stay.pk})
    )

    event = AuditEvent.objects.filter(event_type=EventType.API_CALLED).order_by("-pk").first()
    assert event.data["operation"] == "stay_check_ins"
    assert event.object_id == str(stay.pk)
    assert "Fictional" not in str(event.data)
