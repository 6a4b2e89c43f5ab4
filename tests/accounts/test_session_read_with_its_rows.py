"""
On PostgreSQL the session's row, its account, its device and its memberships are read in one
round trip, the last three by the session's key through its ``LoginSession`` (issue 17). Those
rows count only when the session's own data names the same account, ``LoginSession`` and
device: otherwise they are read again by what the session names. Every check holds as before
(SESS-02, SESS-03, AUTH-03); on SQLite these tests exercise the reads by what the session names.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from haven.accounts.middleware import SecondFactorMiddleware
from haven.accounts.models import LoginSession
from haven.accounts.services.common import secret_digest
from haven.organisations.models import Role
from tests.cases.factories import assigned_case
from tests.conftest import make_member, sign_in
from tests.round_trips import postgresql_round_trips

pytestmark = pytest.mark.django_db


def _dashboard(client) -> int:
    return client.get(reverse("web:dashboard")).status_code


def _rotate_key(client) -> str:
    """A new session key for the same session data, as a privilege change gives (SESS-01)."""
    session = client.session
    session.cycle_key()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return str(session.session_key)


def test_a_session_whose_key_rotated_since_its_login_session_is_still_checked(
    caseworker, sign_in_as
):
    """SESS-03: the key no longer names the ``LoginSession``; the session's own id still does."""
    client = sign_in_as(caseworker)
    _rotate_key(client)
    assert _dashboard(client) == 200

    LoginSession.objects.filter(user=caseworker).update(ended_at=timezone.now())

    assert _dashboard(client) == 302
    assert "_auth_user_id" not in client.session


def test_an_open_login_session_named_by_the_key_does_not_keep_an_ended_one_open(
    organisation, caseworker, sign_in_as
):
    """
    SESS-03: another ``LoginSession`` recorded for this key (here another account's, open)
    answers for nothing; the one the session names was ended, so the session ends.
    """
    client = sign_in_as(caseworker)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    other = make_member(organisation, Role.COORDINATOR, "otto.other")
    LoginSession.objects.filter(user=caseworker).update(
        ended_at=timezone.now(), session_key_digest="0" * 64
    )
    LoginSession.objects.create(user=other, session_key_digest=secret_digest(key))

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


def test_another_accounts_rows_named_by_the_key_are_not_used(organisation, caseworker, sign_in_as):
    """
    AUTH-03: with another account's ``LoginSession`` named by the key, the request is still the
    session's own account, with its own device and memberships.
    """
    client = sign_in_as(caseworker)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    other = make_member(organisation, Role.COORDINATOR, "otto.other")
    LoginSession.objects.filter(user=caseworker).update(session_key_digest="0" * 64)
    LoginSession.objects.create(user=other, session_key_digest=secret_digest(key))

    request = client.get(reverse("web:dashboard")).wsgi_request

    assert request.user == caseworker
    assert request.user.otp_device.user_id == caseworker.pk
    assert [membership.user_id for membership in request.memberships] == [caseworker.pk]
    assert request.membership.role == Role.CASEWORKER


def test_an_expired_session_row_signs_nobody_in(caseworker, sign_in_as):
    """SESS-02: a row past its expiry is not read, whatever its ``LoginSession`` says."""
    client = sign_in_as(caseworker)
    assert _dashboard(client) == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_device_removed_elsewhere_counts_on_the_next_request(caseworker, sign_in_as):
    """AUTH-03: the device the session names must still be there, the account's and confirmed."""
    client = sign_in_as(caseworker)
    assert _dashboard(client) == 200

    caseworker.totpdevice_set.update(confirmed=False)

    assert client.get(reverse("web:dashboard"))["Location"] == reverse("accounts:enrol")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one round trip on PostgreSQL only")
def test_the_session_and_its_account_device_and_memberships_take_one_round_trip(
    caseworker, sign_in_as
):
    """The case page's three trips (tests/cases) include this one; here, the trip it saves."""
    client = sign_in_as(caseworker)
    url = reverse("accounts:security")
    client.get(url)
    together = _syncs(lambda: client.get(url))

    _rotate_key(client)
    client.get(url)

    # The key names no ``LoginSession`` now: the rows are read again by what the session names.
    assert _syncs(lambda: client.get(url)) == together + 1


def _syncs(request) -> int:
    """The round trips ``request()``, a page that must answer 200, makes to PostgreSQL."""
    count, response = postgresql_round_trips(request)
    assert response.status_code == 200
    return count


def _masked(page: bytes) -> bytes:
    """The page without what changes on every render: CSRF tokens and script nonces."""
    page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"csrf", page)
    page = re.sub(rb'"X-CSRFToken": "[^"]+"', b"csrf", page)
    return re.sub(rb'nonce="[^"]+"', b"nonce", page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pages_read_by_the_sessions_key_are_the_pages_read_by_what_it_names(
    organisation, coordinator, caseworker, client, language, monkeypatch
):
    """The case page and the dashboard, byte for byte, for two roles, whichever way rows came."""
    case = assigned_case(organisation, caseworker)
    urls = [reverse("cases:detail", kwargs={"case_id": case.pk}), reverse("web:dashboard")]
    for user in (caseworker, coordinator):
        sign_in(client, user)
        pages = []
        for by_key in (True, False):
            if not by_key:
                monkeypatch.setattr(
                    SecondFactorMiddleware, "_read_with_session", staticmethod(lambda request: None)
                )
            for url in urls:
                client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                assert page.status_code == 200
                pages.append(_masked(page.content))
            monkeypatch.undo()
        assert pages[: len(urls)] == pages[len(urls) :]
