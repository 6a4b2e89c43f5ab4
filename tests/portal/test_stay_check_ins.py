"""
Check-ins and incident reports a relocated defender sends from the portal onto their stay
(issue 14 item 4): encrypted, audited, once only, rate-limited, only onto their own stay under
way, and shown to the case team marked as from the defender. Every person is fictional.
"""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseStatus, Notification
from haven.organisations.models import Role
from haven.portal import services as portal_services
from haven.portal import stays
from haven.portal.abuse import issue_form_token, read_form_token
from haven.portal.forms import DEFENDER_INCIDENT_CHOICES, DEFENDER_WELLBEING_CHOICES
from haven.portal.models import Referral
from haven.relocations import services as relocation_services
from haven.relocations.models import (
    CheckIn,
    IncidentType,
    RecordSource,
    Stay,
    StayEvent,
    StayStatus,
    WellbeingFlag,
)
from tests.conftest import make_member
from tests.portal.helpers import sign_in, submit_referral
from tests.programmes.factories import assign
from tests.relocations.factories import arrived_stay, host_partner_of, membership_of, open_stay

CANARY_NOTE = "CANARY-STAY-NOTE-3c1d the fictional neighbour asked questions"
CANARY_INCIDENT = "CANARY-STAY-INCIDENT-8e2f a fictional car waited outside"


def _linked(client, organisation, coordinator, stay: Stay) -> Referral:
    """A referral sent through the portal, linked by staff to the stay's case, and signed in."""
    _response, code = submit_referral(client, organisation)
    client.cookies.clear()
    referral = Referral.objects.get()
    portal_services.referral_link_case(
        membership=membership_of(coordinator, organisation), referral=referral, case=stay.case
    )
    assert sign_in(client, code).status_code == 302
    return referral


@pytest.fixture
def stay(organisation, coordinator):
    return arrived_stay(organisation, coordinator)


@pytest.fixture
def defender(client, organisation, coordinator, stay):
    _linked(client, organisation, coordinator, stay)
    return client


def check_in_data(**overrides):
    data = {
        "flags": ["feels_unsafe", "worried_about_family"],
        "note": CANARY_NOTE,
        "form_token": issue_form_token(),
        "work": "",
        "lang": "en",
    }
    data.update(overrides)
    return data


def incident_data(**overrides):
    data = {
        "type": "surveillance",
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "home_state_link": "on",
        "narrative": CANARY_INCIDENT,
        "form_token": issue_form_token(),
        "work": "",
        "lang": "en",
    }
    data.update(overrides)
    return data


def test_the_status_page_offers_both_forms_during_a_stay(defender):
    page = defender.get("/portal/status/").content.decode()

    assert 'id="stay-entry"' in page
    assert 'action="/portal/status/check-in/"' in page
    assert 'action="/portal/status/incident/"' in page
    assert "I do not feel safe" in page
    # Nothing about the stay itself (host city, programme) is shown to the defender.
    assert "Leiden" not in page


def test_no_forms_before_arrival(client, organisation, coordinator):
    planned = open_stay(organisation, coordinator)
    _linked(client, organisation, coordinator, planned)

    page = client.get("/portal/status/").content.decode()

    assert 'id="stay-entry"' not in page
    assert stays.case_has_active_stay(planned.case) is False


def test_a_check_in_lands_on_the_stay_encrypted_and_marked_as_the_defenders(defender, stay):
    before = AuditEvent.objects.count()

    response = defender.post("/portal/status/check-in/", check_in_data())

    assert response.status_code == 200
    assert "The team has your check-in" in response.content.decode()
    check_in = CheckIn.objects.get(stay=stay)
    assert check_in.source == RecordSource.DEFENDER
    assert check_in.recorded_by is None
    assert check_in.mode == "message"
    assert check_in.done_on == timezone.localdate()
    assert check_in.flags == ["feels_unsafe", "worried_about_family"]
    assert check_in.note == CANARY_NOTE
    # PRIV-01: the note is ciphertext in the table, and the audit event holds enumerations only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM relocations_checkin")
        stored = cursor.fetchone()[0]
    assert CANARY_NOTE.encode() not in bytes(stored)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    saved = [event for event in events if event.event_type == EventType.STAY_RECORD_SAVED]
    assert len(saved) == 1
    assert saved[0].data["source"] == "defender"
    assert saved[0].data["record"] == "check_in"
    assert saved[0].actor_id is None
    assert all("CANARY" not in str(event.data) for event in events)


def test_an_incident_lands_on_the_stay_and_feeds_the_case_facts(defender, stay):
    response = defender.post("/portal/status/incident/", incident_data())

    assert response.status_code == 200
    event = StayEvent.objects.get(stay=stay)
    assert event.source == RecordSource.DEFENDER
    assert event.kind == "incident"
    assert event.details["type"] == "surveillance"
    assert event.details["home_state_link"] is True
    assert event.narrative == CANARY_INCIDENT
    audit = AuditEvent.objects.filter(event_type=EventType.STAY_RECORD_SAVED).last()
    assert audit.data == {"case_id": str(stay.case_id), "record": "incident", "source": "defender"}


def test_the_case_team_sees_them_on_the_stay_marked_as_from_the_defender(
    defender, stay, coordinator, sign_in_as
):
    defender.post("/portal/status/check-in/", check_in_data())
    defender.post("/portal/status/incident/", incident_data())

    page = sign_in_as(coordinator).get(f"/relocations/{stay.pk}/").content.decode()

    assert page.count("from the defender, through the portal") == 2
    assert "Does not feel safe" in page
    assert CANARY_NOTE in page
    assert CANARY_INCIDENT in page
    assert "Surveillance" in page


def test_a_form_sent_twice_is_saved_once(defender, stay):
    data = check_in_data()
    defender.post("/portal/status/check-in/", data)

    again = defender.post("/portal/status/check-in/", data)

    assert again.status_code == 400
    assert "already sent and saved once" in again.content.decode()
    assert CheckIn.objects.filter(stay=stay).count() == 1


def test_a_refused_save_releases_the_token(defender, stay):
    data = incident_data()
    Stay.objects.filter(pk=stay.pk).update(status=StayStatus.ENDED)
    assert defender.post("/portal/status/incident/", data).status_code == 400
    Stay.objects.filter(pk=stay.pk).update(status=StayStatus.IN_STAY)

    assert defender.post("/portal/status/incident/", data).status_code == 200
    assert StayEvent.objects.count() == 1


def test_an_ended_stay_takes_nothing_and_says_so(defender, stay):
    Stay.objects.filter(pk=stay.pk).update(status=StayStatus.ENDED)

    response = defender.post("/portal/status/check-in/", check_in_data())

    assert response.status_code == 400
    assert "no stay under way" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_closed_case_takes_nothing_and_says_so(defender, stay):
    Case.objects.filter(pk=stay.case_id).update(status=CaseStatus.CLOSED)

    response = defender.post("/portal/status/incident/", incident_data())

    assert response.status_code == 400
    assert "This case is closed" in response.content.decode()
    assert not StayEvent.objects.exists()


def test_an_empty_check_in_and_a_future_day_are_refused(defender):
    empty = defender.post("/portal/status/check-in/", check_in_data(flags=[], note="  "))
    future = defender.post(
        "/portal/status/incident/",
        incident_data(date=(timezone.localdate() + datetime.timedelta(days=2)).isoformat()),
    )

    assert empty.status_code == 400
    assert "Choose at least one answer" in empty.content.decode()
    assert future.status_code == 400
    assert "That day has not come yet" in future.content.decode()
    assert not CheckIn.objects.exists()
    assert not StayEvent.objects.exists()


def test_the_forms_are_rate_limited(defender, settings):
    settings.HAVEN_PORTAL_RATE_LIMITS = {**settings.HAVEN_PORTAL_RATE_LIMITS, "check_in": (1, 60)}
    assert defender.post("/portal/status/check-in/", check_in_data()).status_code == 200

    response = defender.post("/portal/status/incident/", incident_data())

    assert response.status_code == 429
    assert not StayEvent.objects.exists()


def test_without_a_portal_session_nothing_is_saved(client, stay):
    response = client.post("/portal/status/check-in/", check_in_data())

    assert response.status_code == 302
    assert "/portal/status/open/" in response["Location"]
    assert not CheckIn.objects.exists()


def test_a_defender_without_a_stay_reaches_no_one_elses(client, organisation, coordinator, stay):
    """Need to know: the stay comes from the defender's own case, never from the form."""
    other_case_stay = arrived_stay(organisation, coordinator)
    Stay.objects.filter(pk=other_case_stay.pk).update(status=StayStatus.ENDED)
    _linked(client, organisation, coordinator, other_case_stay)

    page = client.get("/portal/status/").content.decode()
    response = client.post(
        "/portal/status/check-in/", check_in_data(stay=str(stay.pk), stay_id=str(stay.pk))
    )

    assert 'id="stay-entry"' not in page
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_member_cannot_file_a_record_as_the_defenders(stay, organisation, coordinator):
    member = membership_of(coordinator, organisation)

    with pytest.raises(Http404):
        relocation_services.check_in_record(
            membership=member,
            stay=stay,
            done_on=timezone.localdate(),
            mode="call",
            flags=[],
            source=RecordSource.DEFENDER,
        )
    assert not CheckIn.objects.exists()


def test_the_service_claims_the_token_in_its_own_transaction(defender, stay):
    referral = Referral.objects.get()
    token = read_form_token(issue_form_token())

    stays.check_in_from_defender(referral=referral, flags=["rested"], note="", form_token=token)
    with pytest.raises(portal_services.ApplicationError):
        stays.check_in_from_defender(referral=referral, flags=["rested"], note="", form_token=token)

    assert CheckIn.objects.count() == 1


def test_every_answer_has_the_defenders_words():
    assert {value for value, _label in DEFENDER_WELLBEING_CHOICES} == set(WellbeingFlag.values)
    assert {value for value, _label in DEFENDER_INCIDENT_CHOICES} == set(IncidentType.values)


def test_the_forms_speak_the_defenders_language(client, organisation, coordinator, stay):
    _linked(client, organisation, coordinator, stay)

    page = client.get("/portal/status/?lang=es").content.decode()

    assert 'lang="es"' in page
    assert "No me siento segura" in page


def test_the_case_team_is_notified_in_the_app_without_the_content(
    defender, stay, organisation, coordinator, caseworker, sign_in_as
):
    """Issue 14 follow-up: coordinators and the assigned staff are told; nobody else; no words."""
    assign(stay.case, caseworker)
    unassigned = make_member(organisation, Role.CASEWORKER, "una.assigned")
    host = host_partner_of(stay.programme, organisation)

    defender.post("/portal/status/check-in/", check_in_data())
    defender.post("/portal/status/incident/", incident_data())
    defender.post("/portal/status/check-in/", check_in_data(flags=[], note=""))  # refused: none

    told = sorted(
        (notification.recipient.user.username, notification.kind)
        for notification in Notification.objects.select_related("recipient__user")
    )
    assert told == sorted(
        (user.username, kind)
        for user in (coordinator, caseworker)
        for kind in ("defender_check_in", "defender_incident")
    )
    assert not Notification.objects.filter(recipient__user__in=[unassigned, host]).exists()
    assert {notification.case_id for notification in Notification.objects.all()} == {stay.case_id}
    assert {notification.actor_id for notification in Notification.objects.all()} == {None}

    page = sign_in_as(caseworker).get("/").content.decode()
    assert f"The defender sent a check-in on case {stay.case.code}." in page
    assert f"The defender reported an incident on case {stay.case.code}." in page
    assert "CANARY" not in page
