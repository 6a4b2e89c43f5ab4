"""Fixtures for the JSON API: tokens made through the real service, and a client that sends them."""

from collections.abc import Callable

import pytest
from django.test import Client

from haven.api.tokens import token_create
from tests.cases.factories import membership_of


@pytest.fixture
def make_token(organisation) -> Callable[..., str]:
    """Return a function that makes a token for a persona and returns its secret."""

    def make(user, scopes=("cases:read",), days=30) -> str:
        _token, secret = token_create(
            membership=membership_of(user, organisation),
            name="test script",
            scopes=list(scopes),
            lifetime_days=days,
        )
        return secret

    return make


@pytest.fixture
def api_client() -> Callable[[str], Client]:
    def bearer(secret: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return bearer
