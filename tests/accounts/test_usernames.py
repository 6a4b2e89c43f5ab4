"""Usernames mixing alphabets are refused, so one member cannot imitate another (issue 11)."""

import pytest
from django.core.exceptions import ValidationError

from haven.accounts.models import Invitation, User
from haven.accounts.services import (
    INVITATION_NOT_USABLE,
    USERNAME_TAKEN,
    MembershipError,
    invitation_accept,
    invitation_create,
)
from haven.accounts.usernames import is_single_script
from haven.organisations.models import Role

PASSWORD = "a long fresh passphrase 9"


@pytest.mark.parametrize(
    "name",
    ["coordinator", "maría.lópez", "Дмитрий", "أحمد_2", "山田たろう", "김민준", "ines+ops@hl"],
)
def test_names_in_one_writing_system_are_accepted(name):
    assert is_single_script(name)


@pytest.mark.parametrize(
    "name",
    ["c\u043e\u043erdinator", "p\u0430ul", "ali.\u0623\u062d\u0645\u062f", "\u03b1lpha-beta"],
)
def test_mixed_alphabets_are_refused(name):
    """Cyrillic o or a inside a Latin name, Arabic after Latin, a Greek alpha before Latin."""
    assert not is_single_script(name)


def test_accepting_an_invitation_with_a_homoglyph_name_creates_nothing(coordinator):
    _invitation, token = invitation_create(
        membership=coordinator.memberships.get(), role=Role.CASEWORKER
    )

    with pytest.raises(ValidationError) as error:
        invitation_accept(token=token, username="c\u043e\u043erdinator", password=PASSWORD)

    assert "username" in error.value.message_dict
    assert not User.objects.filter(username__startswith="c\u043e").exists()


def test_a_name_taken_in_another_case_is_refused_and_the_invitation_stays_open(coordinator):
    """The name is compared without case; the refusal is a MembershipError and nothing changes."""
    _invitation, token = invitation_create(
        membership=coordinator.memberships.get(), role=Role.CASEWORKER
    )

    with pytest.raises(MembershipError) as refusal:
        invitation_accept(token=token, username=coordinator.username.upper(), password=PASSWORD)

    assert refusal.value.message == USERNAME_TAKEN
    assert User.objects.count() == 1
    assert Invitation.objects.get().accepted_at is None


def test_a_used_code_is_refused_by_the_service_itself(coordinator):
    """Called without the page's own check (the CLI, the API), a used code is a MembershipError."""
    _invitation, token = invitation_create(
        membership=coordinator.memberships.get(), role=Role.CASEWORKER
    )
    invitation_accept(token=token, username="ines.invited", password=PASSWORD)

    with pytest.raises(MembershipError) as refusal:
        invitation_accept(token=token, username="someone.else", password=PASSWORD)

    assert refusal.value.message == INVITATION_NOT_USABLE
    assert not User.objects.filter(username="someone.else").exists()
