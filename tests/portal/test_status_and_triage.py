"""Receipts open the status page; staff triage the queue; messages travel encrypted both ways."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Attachment, Case, CaseStatus, Note
from haven.cases.services import case_open
from haven.portal import stays
from haven.portal.abuse import issue_form_token
from haven.portal.models import PortalMessage, Referral, ReferralStatus
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.portal.helpers import (
    CANARY_ACCOUNT,
    CANARY_MESSAGE,
    CANARY_NAME,
    PASSPHRASE,
    receipt_from,
    referral_data,
    sign_in,
    submit_referral,
)
from tests.portal.test_referral import png_bytes

CANNOT_OPEN = "do not open anything"


@pytest.fixture
def receipt(organisation, client):
    _response, code = submit_referral(client, organisation)
    client.cookies.clear()
    return code


def test_receipt_and_passphrase_open_the_status_page(client, receipt):
    response = sign_in(client, receipt)

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Waiting for the team" in page.content.decode()


def test_the_code_is_accepted_with_spaces_and_capitals(client, receipt):
    response = sign_in(client, receipt.replace("-", "  ").upper())

    assert response.status_code == 302


def test_without_a_portal_session_the_status_page_sends_to_sign_in(client, db):
    response = client.get("/portal/status/?lang=fa")

    assert response.status_code == 302
    assert response["Location"] == "/portal/status/open/?lang=fa"


def test_wrong_passphrase_and_unknown_receipt_get_the_same_answer(client, receipt):
    """Nothing tells a guesser whether a receipt exists (AUTH-09); each failure is audited."""
    wrong = sign_in(client, receipt, "not the passphrase at all")
    unknown = sign_in(client, "abacus-" * 7 + "abacus", PASSPHRASE)

    assert wrong.status_code == unknown.status_code == 400
    assert CANNOT_OPEN in wrong.content.decode() and CANNOT_OPEN in unknown.content.decode()
    reasons = sorted(
        event.data["reason"]
        for event in AuditEvent.objects.filter(event_type=EventType.PORTAL_SIGN_IN_FAILED)
    )
    assert reasons == ["unknown_receipt", "wrong_passphrase"]


def test_repeated_failures_cool_the_receipt_off_even_for_the_right_passphrase(client, receipt):
    """Brute force on one receipt is throttled (AUTH-08): after five failures, a cool-off."""
    for _ in range(5):
        sign_in(client, receipt, "wrong passphrase again")

    refused = sign_in(client, receipt)

    assert refused.status_code == 400
    referral = Referral.objects.get()
    assert referral.failed_sign_ins == 6
    assert referral.locked_until > timezone.now()
    Referral.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert sign_in(client, receipt).status_code == 302


def test_the_portal_session_is_not_a_staff_session(client, receipt):
    sign_in(client, receipt)

    staff_page = client.get("/cases/")

    assert staff_page.status_code == 302
    assert staff_page["Location"].startswith("/accounts/")
    assert "haven_session" not in client.cookies


def test_a_staff_session_does_not_open_the_portal(sign_in_as, coordinator, receipt):
    staff = sign_in_as(coordinator)

    response = staff.get("/portal/status/")

    assert response.status_code == 302


def test_quick_exit_ends_the_session_and_clears_the_site(client, receipt):
    sign_in(client, receipt)

    response = client.get("/portal/exit/")

    assert '"cookies"' in response["Clear-Site-Data"]
    assert client.get("/portal/status/").status_code == 302


def member_of(user, organisation):
    return user.memberships.get(organisation=organisation)


def test_the_queue_shows_waiting_referrals_and_their_age(
    client, organisation, coordinator, sign_in_as
):
    submit_referral(client, organisation)
    Referral.objects.update(submitted_at=timezone.now() - datetime.timedelta(days=3))

    page = sign_in_as(coordinator).get("/intake/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "1 referral is waiting" in text
    assert "The oldest has waited 3" in text
    assert CANARY_ACCOUNT not in text


def test_the_queue_costs_the_same_queries_for_few_and_many(
    client, organisation, coordinator, sign_in_as
):
    staff = sign_in_as(coordinator)
    submit_referral(client, organisation)
    staff.get("/intake/")
    with CaptureQueriesContext(connection) as few:
        staff.get("/intake/")
    for index in range(60):
        waiting_referral(organisation, index)
    with CaptureQueriesContext(connection) as many:
        response = staff.get("/intake/")

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def waiting_referral(organisation, index):
    """A waiting referral written directly: the queue page reads only its plain columns."""
    with keyring_scope() as ring:
        referral = Referral(
            organisation=organisation,
            reference=f"R-BULK{index:02d}",
            language="en",
            receipt_digest=f"{index:064d}",
            passphrase_hash="unused",
        )
        referral.data_key = ring.create_data_key(referral.vault_key_ref())
        referral.save()


def test_opening_a_case_moves_the_account_and_files_and_lets_messages_flow(
    client, organisation, coordinator, sign_in_as
):
    """Referral -> case -> staff message -> defender reads it and replies -> staff see it on the case."""
    upload_data = referral_data(organisation)
    picture = io.BytesIO(png_bytes())
    picture.name = "evidence.png"
    upload_data["attachments"] = picture
    response = client.post("/portal/", upload_data)
    code = receipt_from(response)
    client.cookies.clear()
    referral = Referral.objects.get()
    staff = sign_in_as(coordinator)

    detail = staff.get(f"/intake/{referral.pk}/")
    assert CANARY_ACCOUNT in detail.content.decode()
    opened = staff.post(f"/intake/{referral.pk}/open-case/", {"legal_name": CANARY_NAME})

    case = Case.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.pk}/"
    assert Note.objects.filter(case=case).count() == 1
    assert CANARY_ACCOUNT in Note.objects.get(case=case).body
    assert Attachment.objects.filter(case=case).count() == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CASE_OPENED and referral.case == case
    again = staff.post(f"/intake/{referral.pk}/decline/", {"reason": "x" * 20}, follow=True)
    assert "already dealt with" in again.content.decode()

    staff.post(f"/intake/cases/{case.pk}/messages/", {"body": "We read your request."})
    sign_in(client, code)
    status_page = client.get("/portal/status/").content.decode()
    assert "We read your request." in status_page
    reply = client.post(
        "/portal/status/messages/",
        {"body": CANARY_MESSAGE, "form_token": issue_form_token(), "lang": "en"},
    )
    assert reply.status_code == 302
    case_page = staff.get(f"/cases/{case.pk}/").content.decode()
    assert CANARY_MESSAGE in case_page and "We read your request." in case_page
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM portal_portalmessage")
        assert CANARY_MESSAGE.encode() not in b"".join(bytes(row[0]) for row in cursor.fetchall())
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {
        EventType.PORTAL_REFERRAL_VIEWED,
        EventType.PORTAL_REFERRAL_CASE_OPENED,
        EventType.PORTAL_MESSAGE_FROM_STAFF,
        EventType.PORTAL_MESSAGE_FROM_DEFENDER,
    } <= kinds

    Case.objects.update(status=CaseStatus.CLOSED)
    closed = client.post(
        "/portal/status/messages/",
        {"body": "anyone there?", "form_token": issue_form_token(), "lang": "fr"},
    )
    assert closed.status_code == 400
    assert PortalMessage.objects.count() == 2


def test_a_declined_referral_shows_the_reason_to_the_defender(
    client, organisation, coordinator, sign_in_as, receipt
):
    referral = Referral.objects.get()
    staff = sign_in_as(coordinator)

    too_short = staff.post(f"/intake/{referral.pk}/decline/", {"reason": "no"})
    assert Referral.objects.get().status == ReferralStatus.PENDING
    declined = staff.post(
        f"/intake/{referral.pk}/decline/",
        {"reason": "We only work with defenders in the fictional region."},
    )

    assert too_short.status_code == 302
    assert declined.status_code == 302
    assert Referral.objects.get().status == ReferralStatus.DECLINED
    sign_in(client, receipt)
    page = client.get("/portal/status/").content.decode()
    assert "We only work with defenders in the fictional region." in page
    assert 'name="body"' not in page


def test_linking_after_a_duplicate_check(client, organisation, coordinator, sign_in_as, receipt):
    existing = case_open(
        membership=acting(coordinator),
        organisation=organisation,
        identity={"legal_name": CANARY_NAME},
        facts={"schema": "haven.case-facts/1"},
    )
    referral = Referral.objects.get()
    staff = sign_in_as(coordinator)

    detail = staff.get(f"/intake/{referral.pk}/").content.decode()
    linked = staff.post(f"/intake/{referral.pk}/link/", {"case_code": existing.code})

    assert f">{existing.code}</a>" in detail
    assert linked.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.LINKED and referral.case == existing
    assert AuditEvent.objects.filter(event_type=EventType.BLIND_SEARCH).exists()


def test_the_referral_page_names_the_contact_channel_and_language_in_words(
    client, organisation, coordinator, sign_in_as
):
    """Staff read "Signal" and "Spanish", never the stored codes "signal" and "es"."""
    submit_referral(client, organisation, lang="es")
    referral = Referral.objects.get()
    staff = sign_in_as(coordinator)

    page = staff.get(f"/intake/{referral.pk}/").content.decode()

    assert referral.language == "es"
    assert "<dd>Signal: " in page and "<dd>signal:" not in page
    assert "Language: Spanish" in page


def test_another_organisations_staff_cannot_see_a_referral(
    client, organisation, outsider, sign_in_as, receipt
):
    referral = Referral.objects.get()
    staff = sign_in_as(outsider)

    assert staff.get(f"/intake/{referral.pk}/").status_code == 404
    assert staff.post(f"/intake/{referral.pk}/decline/", {"reason": "x" * 30}).status_code == 404
    assert "R-" not in staff.get("/intake/").content.decode()


def test_the_stay_entry_appears_only_with_an_active_stay(client, receipt, monkeypatch):
    sign_in(client, receipt)
    assert 'id="stay-entry"' not in client.get("/portal/status/").content.decode()

    monkeypatch.setattr(stays, "case_has_active_stay", lambda case: True)

    assert 'id="stay-entry"' in client.get("/portal/status/").content.decode()


def test_the_duplicate_check_says_so_when_the_search_limit_is_spent(
    client, organisation, coordinator, sign_in_as, receipt, monkeypatch
):
    monkeypatch.setattr("haven.cases.services.search.SEARCHES_PER_HOUR", 0)
    referral = Referral.objects.get()

    page = sign_in_as(coordinator).get(f"/intake/{referral.pk}/")

    assert page.status_code == 200
    assert "could not run" in page.content.decode()
