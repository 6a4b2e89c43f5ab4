"""TOTP seeds are sealed by the vault before they reach the database (AUTH-06)."""

import pytest
from django.db import connection

from haven.accounts import totp
from haven.accounts.models import SealedTOTPDevice
from haven.vault.errors import DecryptionFailedError
from tests.conftest import KNOWN_TOTP_SECRET


def _stored_key(device_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [device_id])
        return str(cursor.fetchone()[0])


def test_database_holds_no_seed(caseworker):
    """AUTH-06: the raw column holds neither the seed nor its hex form, and the device still verifies."""
    device = totp.confirmed_device(caseworker)
    assert device is not None
    stored = _stored_key(device.pk)

    assert KNOWN_TOTP_SECRET.hex() not in stored
    assert KNOWN_TOTP_SECRET.decode() not in stored
    assert stored.startswith("hv1:")
    assert totp.secret_bytes(device) == KNOWN_TOTP_SECRET
    assert totp.check_code(device, totp.current_code(KNOWN_TOTP_SECRET)) is True


def test_fresh_enrolment_is_sealed(organisation, coordinator):
    """AUTH-06: a pending device created at enrolment is sealed from its first write."""
    device = totp.pending_device(coordinator)

    stored = _stored_key(device.pk)

    assert stored.startswith("hv1:")
    assert totp.secret_bytes(device).hex() not in stored


def test_seed_copied_to_another_user_does_not_open(caseworker, coordinator):
    """AUTH-06: a sealed seed is bound to its user; copied onto another user's device it fails closed."""
    stolen = totp.confirmed_device(caseworker)
    victim = totp.confirmed_device(coordinator)
    assert stolen is not None and victim is not None
    SealedTOTPDevice.objects.filter(pk=victim.pk).update(key=stolen.key)

    victim.refresh_from_db()

    with pytest.raises(DecryptionFailedError):
        _ = victim.bin_key
