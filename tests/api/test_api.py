"""
The JSON API answers exactly what the web would (issue 16): the member's cases and nothing else,
404 for what they may not see or what the token's scope does not cover, and an audit event for
every call.
"""

import uuid

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from tests.cases.factories import assigned_case, open_canary_case


@pytest.fixture
def cases_of_harbour(organisation, caseworker, coordinator):
    mine = assigned_case(organisation, caseworker, suffix="mine")
    not_mine = open_canary_case(organisation, coordinator, suffix="other")
    return mine, not_mine


def test_a_caseworker_token_lists_only_assigned_cases(
    cases_of_harbour, caseworker, make_token, api_client
):
    mine, _not_mine = cases_of_harbour
    response = api_client(make_token(caseworker)).get(reverse("api:case_list"))

    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body["items"]] == [mine.code]
    assert body["count"] == 1


def test_a_case_the_member_may_not_see_is_404_like_one_that_does_not_exist(
    cases_of_harbour, caseworker, make_token, api_client
):
    _mine, not_mine = cases_of_harbour
    client = api_client(make_token(caseworker))

    hidden = client.get(reverse("api:case_detail", kwargs={"case_id": not_mine.pk}))
    missing = client.get(reverse("api:case_detail", kwargs={"case_id": uuid.uuid4()}))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_another_organisations_token_sees_none_of_it(
    cases_of_harbour, outsider, other_organisation, api_client
):
    from haven.api.tokens import token_create
    from tests.cases.factories import membership_of

    _token, secret = token_create(
        membership=membership_of(outsider, other_organisation),
        name="x",
        scopes=["cases:read"],
        lifetime_days=7,
    )
    client = api_client(secret)
    for case in cases_of_harbour:
        for name in ("api:case_detail", "api:case_threats", "api:case_assessments"):
            assert client.get(reverse(name, kwargs={"case_id": case.pk})).status_code == 404
    assert client.get(reverse("api:case_list")).json()["count"] == 0


def test_a_token_without_the_scope_gets_404(cases_of_harbour, coordinator, make_token, api_client):
    reports_only = make_token(coordinator, scopes=("reports:read",))
    mine, _ = cases_of_harbour

    for url in (
        reverse("api:case_list"),
        reverse("api:case_detail", kwargs={"case_id": mine.pk}),
    ):
        assert api_client(reports_only).get(url).status_code == 404


def test_case_detail_threats_and_assessments(cases_of_harbour, caseworker, make_token, api_client):
    mine, _ = cases_of_harbour
    client = api_client(make_token(caseworker))

    detail = client.get(reverse("api:case_detail", kwargs={"case_id": mine.pk})).json()
    threats = client.get(reverse("api:case_threats", kwargs={"case_id": mine.pk})).json()

    assert detail["code"] == mine.code
    assert [member["username"] for member in detail["team"]] == [caseworker.username]
    assert detail["threats"] == len(threats)
    assert client.get(reverse("api:case_assessments", kwargs={"case_id": mine.pk})).json() == []


def test_every_call_is_audited_with_ids_only(cases_of_harbour, caseworker, make_token, api_client):
    mine, not_mine = cases_of_harbour
    client = api_client(make_token(caseworker))
    before = AuditEvent.objects.filter(event_type="api.called").count()

    client.get(reverse("api:case_detail", kwargs={"case_id": mine.pk}))
    client.get(reverse("api:case_detail", kwargs={"case_id": not_mine.pk}))

    events = list(AuditEvent.objects.filter(event_type="api.called").order_by("seq"))[before:]
    assert [(e.object_id, e.data["status"]) for e in events] == [
        (str(mine.pk), 200),
        (str(not_mine.pk), 404),
    ]
    assert all(e.data["operation"] == "case_detail" for e in events)


def test_pages_of_the_case_list(organisation, caseworker, make_token, api_client):
    for index in range(3):
        assigned_case(organisation, caseworker, suffix=f"p{index}")
    client = api_client(make_token(caseworker))

    first = client.get(reverse("api:case_list"), {"limit": 2}).json()
    rest = client.get(reverse("api:case_list"), {"limit": 2, "offset": 2}).json()

    assert first["count"] == 3
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}


def test_the_openapi_schema_is_served_and_the_docs_page_is_not(client):
    schema = client.get("/api/v1/openapi.json")

    assert schema.status_code == 200
    assert "/api/v1/cases" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 404


THREAT = {"date": "2026-06-01", "kind": "smear_campaign", "actor": "political_party"}


def _write_client(user, make_token, api_client):
    return api_client(make_token(user, scopes=("cases:read", "records:write")))


def test_recording_a_threat_through_the_api(cases_of_harbour, caseworker, make_token, api_client):
    mine, _ = cases_of_harbour
    client = _write_client(caseworker, make_token, api_client)
    url = reverse("api:threat_create", kwargs={"case_id": mine.pk})

    response = client.post(
        url,
        {"details": THREAT, "narrative": "Posters at the office."},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["details"]["kind"] == "smear_campaign"
    threats = client.get(reverse("api:case_threats", kwargs={"case_id": mine.pk})).json()
    assert [t["narrative"] for t in threats][-1] == "Posters at the office."
    assert AuditEvent.objects.filter(event_type="case.threat_recorded").exists()


def test_a_malformed_body_is_422_with_the_field_path_and_saves_nothing(
    cases_of_harbour, caseworker, make_token, api_client
):
    mine, _ = cases_of_harbour
    client = _write_client(caseworker, make_token, api_client)
    url = reverse("api:threat_create", kwargs={"case_id": mine.pk})
    before = mine.threats.count()

    wrong_type = client.post(url, {"details": "not an object"}, content_type="application/json")
    not_json = client.post(url, "{not json", content_type="application/json")

    assert wrong_type.status_code == 422
    assert ["body", "threat", "details"] in [e["loc"] for e in wrong_type.json()["detail"]]
    assert not_json.status_code in {400, 422}
    assert mine.threats.count() == before


def test_facts_the_engines_refuse_are_400_with_the_reason(
    cases_of_harbour, caseworker, make_token, api_client
):
    mine, _ = cases_of_harbour
    client = _write_client(caseworker, make_token, api_client)
    url = reverse("api:threat_create", kwargs={"case_id": mine.pk})

    response = client.post(
        url, {"details": {**THREAT, "kind": "no_such_kind"}}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"]
    assert mine.threats.count() == 0


def test_writing_needs_the_write_scope(cases_of_harbour, caseworker, make_token, api_client):
    mine, _ = cases_of_harbour
    read_only = api_client(make_token(caseworker))
    url = reverse("api:threat_create", kwargs={"case_id": mine.pk})

    response = read_only.post(url, {"details": THREAT}, content_type="application/json")

    assert response.status_code == 404
    assert mine.threats.count() == 0


def test_running_an_assessment_through_the_api(
    cases_of_harbour, caseworker, make_token, api_client
):
    mine, _ = cases_of_harbour
    client = _write_client(caseworker, make_token, api_client)

    response = client.post(
        reverse("api:assessment_create", kwargs={"case_id": mine.pk}),
        {"staff_risk_level": "high", "defender_risk_level": "critical"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["engine_version"] and body["views_diverge"] is True
    bad = client.post(
        reverse("api:assessment_create", kwargs={"case_id": mine.pk}),
        {"staff_risk_level": "enormous"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_paging_out_of_range_is_422_not_a_server_error(
    organisation, caseworker, make_token, api_client
):
    """Found by Schemathesis: an offset past what the database can hold answered 500."""
    client = api_client(make_token(caseworker))
    for query in ({"offset": 3199981786095193973325824}, {"limit": 610541474}, {"limit": 0}):
        assert client.get(reverse("api:case_list"), query).status_code == 422
