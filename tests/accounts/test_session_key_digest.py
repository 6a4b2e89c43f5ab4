"""
A signed-in session's ``LoginSession`` records the digest of the key the browser holds, so on
PostgreSQL its rows are read with the session's row (issue 17). Signing in records it after the
last key rotation (SESS-01); a password change gives the session a new key and records that one
on the session's own ``LoginSession`` only, never another's (SESS-03), never the key itself.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts import services, signin, totp
from haven.accounts.models import LoginSession
from haven.accounts.services.common import secret_digest
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from tests.accounts.test_session_read_with_its_rows import _syncs
from tests.conftest import KNOWN_TOTP_SECRET, PASSWORD, make_member, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard quietly 42"


def _key(client: Client) -> str:
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _change_password(client: Client) -> None:
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302


def test_signing_in_records_the_digest_of_the_key_after_the_last_rotation(client, caseworker):
    """SESS-01: the key after the second factor is the one recorded, not the password step's."""
    client.post(reverse("accounts:login"), {"username": caseworker.username, "password": PASSWORD})
    after_password = _key(client)
    client.post(reverse("accounts:second_factor"), {"code": totp.current_code(KNOWN_TOTP_SECRET)})
    after_code = _key(client)

    login_session = LoginSession.objects.get(user=caseworker)

    assert after_code != after_password
    assert login_session.session_key_digest == secret_digest(after_code)
    assert client.session[signin.LOGIN_SESSION_ID] == str(login_session.pk)
    assert not LoginSession.objects.filter(session_key_digest=secret_digest(after_password))


def test_a_password_change_records_the_new_keys_digest_on_the_sessions_own_login_session(
    caseworker, sign_in_as
):
    """SESS-01, SESS-03: a new key; the old one names no ``LoginSession``; no plaintext key."""
    client = sign_in_as(caseworker)
    own = LoginSession.objects.get(user=caseworker)
    old_key = _key(client)

    _change_password(client)
    new_key = _key(client)

    own.refresh_from_db()
    assert new_key != old_key
    assert own.session_key_digest == secret_digest(new_key)
    assert own.ended_at is None
    assert not LoginSession.objects.filter(session_key_digest=secret_digest(old_key))
    assert not LoginSession.objects.filter(session_key_digest__in=[old_key, new_key])
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_a_password_change_ends_the_accounts_other_sessions_and_no_one_elses(
    organisation, caseworker
):
    """
    SESS-03: changing the password ends the account's other session (ended on the server, its
    digest untouched, refused on its next request) but not the one that changed it, and
    another account's session is untouched; the event counts the sessions ended.
    """
    here, elsewhere, colleague = Client(), Client(), Client()
    here_session = sign_in(here, caseworker)
    elsewhere_session = sign_in(elsewhere, caseworker)
    colleague_session = sign_in(colleague, make_member(organisation, Role.CASEWORKER, "cleo.c"))
    sessions = [here_session, elsewhere_session, colleague_session]
    before = {
        row.pk: row.session_key_digest
        for row in LoginSession.objects.filter(pk__in=[s.pk for s in sessions[1:]])
    }

    _change_password(here)

    rows = {row.pk: row for row in LoginSession.objects.filter(pk__in=[s.pk for s in sessions])}
    assert rows[here_session.pk].ended_at is None
    assert rows[elsewhere_session.pk].ended_at is not None
    assert rows[colleague_session.pk].ended_at is None
    assert {pk: rows[pk].session_key_digest for pk in before} == before
    event = AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHANGED).get()
    assert event.data == {"other_sessions_ended": 1}
    assert elsewhere.get(reverse("web:dashboard")).status_code == 302
    assert colleague.get(reverse("web:dashboard")).status_code == 200
    assert here.get(reverse("web:dashboard")).status_code == 200


def test_the_new_key_is_recorded_only_on_the_accounts_own_open_login_session(
    organisation, caseworker, coordinator
):
    """SESS-03: another account's ``LoginSession``, or an ended one, is never given the digest."""
    theirs = LoginSession.objects.create(user=coordinator, session_key_digest="a" * 64)
    ended = LoginSession.objects.create(user=caseworker, session_key_digest="b" * 64)
    services.login_session_end(actor=caseworker, login_session=ended, reason="ended_by_owner")

    for login_session in (theirs, ended):
        assert not services.login_session_key_record(
            user=caseworker, login_session_id=login_session.pk, session_key="fictionalkey"
        )

    assert LoginSession.objects.get(pk=theirs.pk).session_key_digest == "a" * 64
    assert LoginSession.objects.get(pk=ended.pk).session_key_digest == "b" * 64


def test_after_a_password_change_a_page_makes_the_queries_it_made_before(caseworker, sign_in_as):
    """On SQLite (and PostgreSQL) the next requests ask what they asked before the change."""
    client = sign_in_as(caseworker)
    url = reverse("accounts:security")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200

    _change_password(client)
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200

    assert len(after) == len(before)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one round trip on PostgreSQL only")
def test_after_a_password_change_the_session_is_read_with_its_rows_again(caseworker, sign_in_as):
    """Issue 17: the request after a password change takes the single round trip again."""
    client = sign_in_as(caseworker)
    url = reverse("accounts:security")
    client.get(url)
    together = _syncs(lambda: client.get(url))

    _change_password(client)
    client.get(url)

    assert _syncs(lambda: client.get(url)) == together
