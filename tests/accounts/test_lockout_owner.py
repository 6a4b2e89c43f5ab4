"""
A stranger's wrong passwords pause sign-in for a named account, but not for its owner (issue 11,
item 11): the password and a second factor together get through, and the owner is told.
"""

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts import totp
from haven.accounts.models import SecurityNotice, SecurityNoticeKind
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from tests.conftest import KNOWN_TOTP_SECRET, PASSWORD


def _lock(username: str) -> None:
    stranger = Client()
    for _ in range(10):
        stranger.post(reverse("accounts:login"), {"username": username, "password": "wrong pw 1"})


def both_factors(client: Client, username: str, password: str = PASSWORD, code: str = ""):
    return client.post(
        reverse("accounts:login_both_factors"),
        {
            "username": username,
            "password": password,
            "code": code or totp.current_code(KNOWN_TOTP_SECRET),
        },
    )


def test_the_owner_gets_through_a_lockout_with_both_factors_and_is_told(caseworker):
    _lock(caseworker.username)
    owner = Client()
    refused = owner.post(
        reverse("accounts:login"), {"username": caseworker.username, "password": PASSWORD}
    )

    response = both_factors(owner, caseworker.username)

    assert refused.status_code == 429
    assert reverse("accounts:login_both_factors") in refused.content.decode()
    assert response.status_code == 302
    assert owner.get(reverse("web:dashboard")).status_code == 200
    assert SecurityNotice.objects.filter(
        user=caseworker, kind=SecurityNoticeKind.SIGNED_IN_DURING_LOCKOUT
    ).exists()
    assert AuditEvent.objects.filter(
        event_type=EventType.SIGNED_IN_DURING_LOCKOUT, actor_id=caseworker.public_id
    ).exists()


@pytest.mark.parametrize(
    ("password", "code"),
    [("wrong long password 1", ""), (PASSWORD, "000000"), ("wrong long password 1", "000000")],
)
def test_any_wrong_factor_gets_the_same_answer(caseworker, password, code):
    """No password oracle during the lockout: a right password with a wrong code looks alike."""
    _lock(caseworker.username)

    response = both_factors(Client(), caseworker.username, password, code)

    assert response.status_code == 400
    assert str(response.context["form"].non_field_errors()) == str(
        both_factors(Client(), "nobody.at.all", password, code).context["form"].non_field_errors()
    )
    assert not SecurityNotice.objects.filter(
        kind=SecurityNoticeKind.SIGNED_IN_DURING_LOCKOUT
    ).exists()


def test_signing_in_with_both_factors_when_not_locked_is_not_reported(caseworker):
    response = both_factors(Client(), caseworker.username)

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(event_type=EventType.SIGNED_IN_DURING_LOCKOUT).exists()
