"""Shared fixtures: fictional organisations and one persona per role, built through the real services."""

import pytest

from haven.accounts.models import Membership, Organisation, Role, User
from haven.accounts.services import organisation_create


@pytest.fixture
def organisation(db) -> Organisation:
    return organisation_create(slug="harbour-light", name="Harbour Light (fictional)")


@pytest.fixture
def other_organisation(db) -> Organisation:
    return organisation_create(slug="north-star", name="North Star Aid (fictional)")


def make_member(organisation: Organisation, role: Role, username: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery staple 7")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def coordinator(organisation) -> User:
    return make_member(organisation, Role.COORDINATOR, "cora.coordinator")


@pytest.fixture
def caseworker(organisation) -> User:
    return make_member(organisation, Role.CASEWORKER, "casey.caseworker")
