"""The master key: from the environment or a 0600 file, never a fallback (CRY-04)."""

import base64
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from haven.vault.errors import MasterKeyInvalidError, MasterKeyMissingError
from haven.vault.masterkey import (
    configured_master_keys,
    ensure_demo_master_key,
    read_master_key_file,
)


def test_missing_master_key_refuses(settings):
    """With neither setting, loading the key raises ImproperlyConfigured and never uses SECRET_KEY."""
    settings.HAVEN_MASTER_KEY = None
    settings.HAVEN_MASTER_KEY_FILE = None

    with pytest.raises(MasterKeyMissingError) as raised:
        configured_master_keys()
    assert isinstance(raised.value, ImproperlyConfigured)
    assert "SECRET_KEY" in str(raised.value)


def test_missing_key_file_names_the_file(settings, tmp_path):
    """A configured but absent key file is named in the error."""
    settings.HAVEN_MASTER_KEY = None
    settings.HAVEN_MASTER_KEY_FILE = tmp_path / "absent.key"

    with pytest.raises(MasterKeyMissingError, match=r"absent\.key"):
        configured_master_keys()


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_malformed_key_is_refused(settings, value):
    """A key that is not base64 of 32 bytes is refused without echoing it."""
    settings.HAVEN_MASTER_KEY = value

    with pytest.raises(MasterKeyInvalidError) as raised:
        configured_master_keys()
    assert value not in str(raised.value)


def test_demo_key_is_created_once_with_mode_0600(tmp_path):
    """The demo key file is created with mode 0600 and never overwritten."""
    path = tmp_path / "haven" / "master.key"

    assert ensure_demo_master_key(path) is True
    first = read_master_key_file(path)
    assert ensure_demo_master_key(path) is False
    assert first.key_id == read_master_key_file(path).key_id
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_key_file_is_the_configured_key(settings, tmp_path):
    """Settings pointing at a key file load that key."""
    path = tmp_path / "master.key"
    ensure_demo_master_key(path)
    settings.HAVEN_MASTER_KEY = None
    settings.HAVEN_MASTER_KEY_FILE = path

    assert configured_master_keys()[0].key_id == read_master_key_file(path).key_id


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_other_accounts_can_read_is_refused(settings, tmp_path, mode):
    """CRY-04: a master key file looser than 0600 is refused with the fix, and its key is not echoed."""
    path = tmp_path / "master.key"
    ensure_demo_master_key(path)
    key_text = path.read_text().strip()
    os.chmod(path, mode)
    settings.HAVEN_MASTER_KEY = None
    settings.HAVEN_MASTER_KEY_FILE = path

    with pytest.raises(MasterKeyInvalidError, match="chmod 600") as raised:
        configured_master_keys()
    with pytest.raises(MasterKeyInvalidError):
        read_master_key_file(path)
    assert key_text not in str(raised.value)


def test_a_read_only_key_file_for_its_owner_is_accepted(settings, tmp_path):
    """Mode 0400 (how systemd credentials arrive) is strict enough."""
    path = tmp_path / "master.key"
    ensure_demo_master_key(path)
    os.chmod(path, 0o400)
    settings.HAVEN_MASTER_KEY = None
    settings.HAVEN_MASTER_KEY_FILE = path

    assert configured_master_keys()[0].key_id == read_master_key_file(path).key_id
