"""Invitation codes never travel in a URL the server sees (issue 11, item 6)."""

import logging

import pytest
from django.urls import get_resolver, reverse

from haven.accounts.models import User
from haven.accounts.services import invitation_code_normalise
from haven.organisations.models import Role

PASSWORD = "a long fresh passphrase 9"


def _all_patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            yield from _all_patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern)


def test_no_route_takes_a_secret_in_its_path():
    """No URL pattern has a string parameter that could carry a token, code or key."""
    for pattern in _all_patterns(get_resolver()):
        for secret_word in ("token", "code", "key", "secret"):
            assert f"<str:{secret_word}" not in pattern, pattern
            assert f"<{secret_word}" not in pattern, pattern


def test_the_link_carries_the_code_in_its_fragment(coordinator, sign_in_as):
    client = sign_in_as(coordinator)

    response = client.post(reverse("members:invite"), {"role": Role.CASEWORKER, "username": ""})

    link, code = response.context["link"], response.context["code"]
    assert link.endswith("#" + code)
    assert code not in link.split("#")[0]
    assert len(invitation_code_normalise(code)) == 16


def test_accepting_with_a_typed_code_logs_no_code(client, coordinator, sign_in_as, caplog):
    """The no-JavaScript path: the person types the code, in any case and with spaces."""
    invite = sign_in_as(coordinator).post(
        reverse("members:invite"), {"role": Role.CASEWORKER, "username": ""}
    )
    code = invite.context["code"]
    typed = code.lower().replace("-", " ")
    client.logout()
    caplog.set_level(logging.DEBUG)

    page = client.get(reverse("accounts:invitation_accept"))
    response = client.post(
        reverse("accounts:invitation_accept"),
        {"code": typed, "username": "ines.typed", "password": PASSWORD, "password_again": PASSWORD},
    )

    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert response.status_code == 302
    assert User.objects.filter(username="ines.typed").exists()
    for record in caplog.records:
        text = record.getMessage() + str(getattr(record, "request", ""))
        assert invitation_code_normalise(code) not in invitation_code_normalise(text)


@pytest.mark.parametrize("code", ["", "AAAA-AAAA-AAAA-AAAA", "x" * 40])
def test_a_wrong_code_is_a_400_and_creates_nothing(client, db, code):
    response = client.post(
        reverse("accounts:invitation_accept"),
        {"code": code, "username": "nobody", "password": PASSWORD, "password_again": PASSWORD},
    )

    assert response.status_code == 400
    assert not User.objects.filter(username="nobody").exists()


@pytest.mark.parametrize(
    ("typed", "canonical"), [("abcd-efgh-jkmn-pqrs", "ABCDEFGHJKMNPQRS"), ("O1IL o", "01110")]
)
def test_codes_forgive_case_spaces_and_lookalikes(typed, canonical):
    assert invitation_code_normalise(typed) == canonical
