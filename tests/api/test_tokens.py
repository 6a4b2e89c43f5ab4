"""
Personal access tokens (issue 16): made after a fresh second factor, scoped, expiring, revocable,
stored only as a digest, and as powerless as their member's role.
"""

import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from haven.accounts import signin
from haven.api.models import AccessToken
from haven.api.tokens import TokenError, token_create, token_revoke
from haven.audit.models import AuditEvent
from haven.organisations.models import Membership, Role
from tests.cases.factories import membership_of
from tests.conftest import make_member

UNAUTHORISED = {"detail": "Unauthorized"}


def test_a_token_is_shown_once_and_only_its_digest_is_stored(coordinator, organisation, sign_in_as):
    client = sign_in_as(coordinator)

    response = client.post(
        reverse("tokens:create"),
        {"name": "monthly report", "scopes": ["cases:read"], "lifetime_days": "30"},
    )

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("hvn_") and len(secret) > 40
    stored = AccessToken.objects.get()
    assert secret not in str(list(AccessToken.objects.values_list()))
    assert stored.prefix == secret[:10]
    assert secret not in client.get(reverse("tokens:list")).content.decode()
    assert AuditEvent.objects.filter(event_type="api.token_created").count() == 1


def test_making_a_token_needs_a_fresh_second_factor(coordinator, sign_in_as):
    """SESS-04: a stolen session an hour old cannot mint a long-lived credential."""
    client = sign_in_as(coordinator)
    session = client.session
    session[signin.SECOND_FACTOR_AT] = time.time() - 3600
    session.save()

    response = client.post(
        reverse("tokens:create"),
        {"name": "script", "scopes": ["cases:read"], "lifetime_days": "30"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:step_up"))
    assert not AccessToken.objects.exists()


def test_a_role_cannot_give_a_token_more_than_it_has(organisation, auditor):
    """An auditor may not read cases, so neither may the auditor's token."""
    with pytest.raises(TokenError):
        token_create(
            membership=membership_of(auditor, organisation),
            name="x",
            scopes=["cases:read"],
            lifetime_days=30,
        )
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize(
    ("name", "scopes", "days"),
    [
        ("", ["cases:read"], 30),
        ("x", [], 30),
        ("x", ["everything"], 30),
        ("x", ["cases:read"], 9999),
    ],
)
def test_bad_token_requests_change_nothing(coordinator, organisation, name, scopes, days):
    with pytest.raises(TokenError):
        token_create(
            membership=membership_of(coordinator, organisation),
            name=name,
            scopes=scopes,
            lifetime_days=days,
        )
    assert not AccessToken.objects.exists()


def test_every_way_a_token_stops_working_answers_the_same_401(
    coordinator, organisation, make_token, api_client
):
    """Unknown, expired, revoked or of a deactivated member: the caller cannot tell which."""
    me = reverse("api:me")
    assert api_client(make_token(coordinator)).get(me).status_code == 200

    unknown = api_client("hvn_" + "x" * 43).get(me)
    no_header = api_client("").get(me)

    expired_secret = make_token(coordinator, days=7)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        expired = api_client(expired_secret).get(me)

    revoked_secret = make_token(coordinator)
    token_revoke(
        membership=membership_of(coordinator, organisation),
        token_id=AccessToken.objects.get(prefix=revoked_secret[:10]).pk,
    )
    revoked = api_client(revoked_secret).get(me)

    deactivated_secret = make_token(coordinator)
    Membership.objects.filter(user=coordinator).update(is_active=False)
    deactivated = api_client(deactivated_secret).get(me)

    for response in (unknown, no_header, expired, revoked, deactivated):
        assert response.status_code == 401
        assert response.json() == UNAUTHORISED


def test_a_session_cookie_does_not_open_the_api(coordinator, sign_in_as):
    assert sign_in_as(coordinator).get(reverse("api:me")).status_code == 401


def test_a_member_revokes_only_their_own_tokens(
    organisation, coordinator, caseworker, make_token, client
):
    from django.http import Http404

    make_token(caseworker)
    token = AccessToken.objects.get()
    with pytest.raises(Http404):
        token_revoke(membership=membership_of(coordinator, organisation), token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_lists_tokens_without_their_secrets(
    organisation, coordinator, make_token, sign_in_as
):
    secret = make_token(coordinator)
    page = sign_in_as(coordinator).get(reverse("tokens:list")).content.decode()

    assert "test script" in page
    assert secret[:10] in page
    assert secret not in page


def test_an_analyst_may_make_only_a_reports_token(organisation, sign_in_as):
    analyst = make_member(organisation, Role.ANALYST, "ana.analyst")
    page = sign_in_as(analyst).get(reverse("tokens:list"))

    choices = [value for value, _label in page.context["form"].fields["scopes"].choices]
    assert choices == ["reports:read"]
