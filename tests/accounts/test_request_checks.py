"""
What the middleware checks on every signed-in request, in as few queries as it can: a session,
login session, membership or second factor taken away elsewhere counts on the very next request.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import signin, totp
from haven.accounts.models import LoginSession, User
from haven.organisations.models import Role
from tests.conftest import KNOWN_TOTP_SECRET, PASSWORD, make_member, sign_in

pytestmark = pytest.mark.django_db


def test_a_login_session_ended_elsewhere_is_refused_on_the_next_request(caseworker, sign_in_as):
    client = sign_in_as(caseworker)
    assert client.get(reverse("web:dashboard")).status_code == 200

    LoginSession.objects.filter(user=caseworker).update(ended_at=timezone.now())

    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_an_ended_login_session_is_refused_for_an_account_with_no_membership(client, db):
    """Without a membership row to read it with, the login session is still asked about."""
    user = User.objects.create_user(username="nora.nomember", password=PASSWORD)
    totp.create_device_with_secret(user, KNOWN_TOTP_SECRET)
    sign_in(client, user)
    assert client.get(reverse("accounts:security")).status_code == 200

    LoginSession.objects.filter(user=user).update(ended_at=timezone.now())

    assert client.get(reverse("accounts:security")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_another_accounts_login_session_does_not_keep_a_session_open(
    organisation, caseworker, sign_in_as
):
    client = sign_in_as(caseworker)
    other = make_member(organisation, Role.CASEWORKER, "otto.other")
    foreign = LoginSession.objects.create(user=other, session_key_digest="0" * 64)
    LoginSession.objects.filter(user=caseworker).delete()
    session = client.session
    session[signin.LOGIN_SESSION_ID] = str(foreign.pk)
    session.save()

    assert client.get(reverse("web:dashboard")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_removed_second_factor_counts_on_the_next_request(caseworker, sign_in_as):
    client = sign_in_as(caseworker)
    assert client.get(reverse("web:dashboard")).status_code == 200

    TOTPDevice.objects.filter(user=caseworker).delete()

    assert client.get(reverse("web:dashboard"))["Location"] == reverse("accounts:enrol")


def test_a_deactivated_membership_counts_on_the_next_request(organisation, caseworker, sign_in_as):
    client = sign_in_as(caseworker)
    assert client.get(reverse("cases:list")).status_code == 200

    caseworker.memberships.update(is_active=False)

    assert client.get(reverse("cases:list")).status_code == 404


def _tokens_page_queries(client):
    """
    The queries of a second visit to the tokens page (a small page of the member's own), each
    named by the table of its first column: the login session's read is a subquery.
    """
    url = reverse("tokens:list")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    tables = [q["sql"].split(".")[0].removeprefix("SELECT ") for q in captured.captured_queries]
    return captured, tables


def test_the_login_session_is_read_with_the_memberships(caseworker, sign_in_as):
    """One query answers both "is this login session still open" and "as which member"."""
    captured, tables = _tokens_page_queries(sign_in_as(caseworker))

    assert '"accounts_loginsession"' not in tables
    assert tables.count('"accounts_membership"') == 1
    assert (
        "accounts_loginsession"
        in captured.captured_queries[tables.index('"accounts_membership"')]["sql"]
    )


def test_a_disabled_account_is_refused_on_the_next_request(caseworker, sign_in_as):
    """SESS-03: an account disabled in the database, by any path, ends its sessions at once."""
    client = sign_in_as(caseworker)
    assert client.get(reverse("web:dashboard")).status_code == 200

    User.objects.filter(pk=caseworker.pk).update(is_active=False)
    response = client.get(reverse("web:dashboard"))

    assert response["Location"].startswith(reverse("accounts:login"))
    assert not response.wsgi_request.user.is_authenticated


def test_the_request_carries_the_account_itself_with_the_device_that_verified_it(
    caseworker, sign_in_as
):
    """
    AUTH-03: the second-factor middleware reads the account and its device before the view, so
    views and templates get the account itself (no lazy proxy) with the confirmed device on it.
    """
    client = sign_in_as(caseworker)

    request = client.get(reverse("web:dashboard")).wsgi_request

    assert type(request.user) is User
    assert request.user == caseworker
    assert request.user.otp_device == totp.confirmed_device(caseworker)
    assert request.user.is_verified()


def test_a_signed_in_request_reads_its_session_account_device_and_memberships_once_each(
    caseworker, sign_in_as
):
    """
    SESS-03 and AUTH-03: every signed-in request reads the session's row, its account, its second
    factor and its memberships (with the login session) from the database, one query each, before
    the page reads anything of its own.
    """
    _captured, tables = _tokens_page_queries(sign_in_as(caseworker))

    assert tables[:4] == [
        '"django_session"',
        '"accounts_user"',
        f'"{TOTPDevice._meta.db_table}"',
        '"accounts_membership"',
    ]
    assert len(tables) == 5  # and the page's own: the member's tokens
