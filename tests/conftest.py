"""
Shared fixtures: fictional organisations and one persona per role, built through the real models.

Every persona has a confirmed authenticator with a known secret (``KNOWN_TOTP_SECRET``) so tests
can compute valid codes. ``sign_in_as`` gives a test client a fully signed-in session (both
factors) without walking the forms; the sign-in forms themselves are tested in
``tests/accounts/test_sign_in.py``.
"""

import hashlib
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from haven.accounts import signin, totp
from haven.accounts.acting import SYSTEM
from haven.accounts.models import LoginSession, User
from haven.accounts.services import organisation_create
from haven.organisations.models import Membership, Organisation, Role

PASSWORD = "correct horse battery staple 7"
KNOWN_TOTP_SECRET = bytes.fromhex("3132333435363738393031323334353637383930")

PERSONA_NAMES = {
    Role.COORDINATOR: "cora.coordinator",
    Role.CASEWORKER: "casey.caseworker",
    Role.LEGAL_ADVISER: "lena.legal",
    Role.HOST_PARTNER: "hugo.host",
    Role.ANALYST: "ana.analyst",
    Role.AUDITOR: "aud.auditor",
}


@pytest.fixture
def organisation(db) -> Organisation:
    return organisation_create(
        membership=SYSTEM, slug="harbour-light", name="Harbour Light (fictional)"
    )


@pytest.fixture
def other_organisation(db) -> Organisation:
    return organisation_create(
        membership=SYSTEM, slug="north-star", name="North Star Aid (fictional)"
    )


def make_member(
    organisation: Organisation, role: Role, username: str, *, with_device: bool = True
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if with_device:
        totp.create_device_with_secret(user, KNOWN_TOTP_SECRET)
    return user


@pytest.fixture
def coordinator(organisation) -> User:
    return make_member(organisation, Role.COORDINATOR, PERSONA_NAMES[Role.COORDINATOR])


@pytest.fixture
def caseworker(organisation) -> User:
    return make_member(organisation, Role.CASEWORKER, PERSONA_NAMES[Role.CASEWORKER])


@pytest.fixture
def auditor(organisation) -> User:
    return make_member(organisation, Role.AUDITOR, PERSONA_NAMES[Role.AUDITOR])


@pytest.fixture
def personas(organisation, coordinator, caseworker, auditor) -> dict[Role, User]:
    """One member of Harbour Light per role."""
    people = {Role.COORDINATOR: coordinator, Role.CASEWORKER: caseworker, Role.AUDITOR: auditor}
    for role, username in PERSONA_NAMES.items():
        if role not in people:
            people[role] = make_member(organisation, role, username)
    return people


@pytest.fixture
def outsider(other_organisation) -> User:
    """A coordinator of North Star Aid: powerful there, a stranger to Harbour Light."""
    return make_member(other_organisation, Role.COORDINATOR, "otto.outsider")


def sign_in_password_only(client: Client, user: User) -> None:
    """Give ``client`` a session that has passed the password step and nothing more."""
    client.force_login(user)
    session = client.session
    session[signin.STARTED_AT] = session[signin.LAST_SEEN_AT] = time.time()
    session.save()


def sign_in(client: Client, user: User) -> LoginSession:
    """Give ``client`` a session that has passed the password and the second factor."""
    client.force_login(user)
    session = client.session
    device = totp.confirmed_device(user)
    assert device is not None, "the persona needs an authenticator"
    login_session = LoginSession.objects.create(
        user=user, session_key_digest=hashlib.sha256(session.session_key.encode()).hexdigest()
    )
    now = time.time()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[signin.STARTED_AT] = now
    session[signin.LAST_SEEN_AT] = now
    session[signin.SECOND_FACTOR_AT] = now
    session[signin.LOGIN_SESSION_ID] = str(login_session.pk)
    session.save()
    return login_session


@pytest.fixture
def sign_in_as(client) -> Callable[[User], Client]:
    """Return a function that signs ``client`` in as a persona and returns the client."""

    def sign(user: User) -> Client:
        sign_in(client, user)
        return client

    return sign
