"""Usernames mixing alphabets are refused, so one member cannot imitate another (issue 11)."""

import pytest
from django.core.exceptions import ValidationError

from haven.accounts.models import User
from haven.accounts.services import invitation_accept, invitation_create
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
