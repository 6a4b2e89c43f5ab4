"""Attachment encryption (per-file keys under the case key) and sealed system secrets (AUTH-06)."""

import io

import pytest

from haven.cases.models import Case
from haven.cases.services import case_erasure_approve, case_erasure_request
from haven.vault.errors import DecryptionFailedError, KeyDestroyedError
from haven.vault.files import (
    CHUNK_BYTES,
    attachment_key_create,
    attachment_key_open,
    file_aad,
    open_stream,
    seal_stream,
)
from haven.vault.keyring import KeyRing, keyring_scope
from haven.vault.system_secrets import open_system_secret, seal_system_secret
from tests.acting import acting
from tests.cases.factories import open_canary_case
from tests.conftest import make_member


def seal_bytes(cipher, data: bytes, aad: bytes) -> bytes:
    sink = io.BytesIO()
    seal_stream(cipher, io.BytesIO(data), sink, aad)
    return sink.getvalue()


def open_bytes(cipher, data: bytes, aad: bytes) -> bytes:
    sink = io.BytesIO()
    open_stream(cipher, io.BytesIO(data), sink, aad)
    return sink.getvalue()


@pytest.fixture
def case(organisation):
    return open_canary_case(organisation)


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES * 2 + 5])
def test_file_round_trip_at_chunk_edges(case, size):
    """Files of any size, including exact multiples of the chunk size, decrypt to the same bytes."""
    ref = case.vault_key_ref()
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    with keyring_scope() as ring:
        cipher, wrapped = attachment_key_create(ring, ref, "att-1")
        sealed = seal_bytes(cipher, data, file_aad(ref, "att-1"))
    opened_cipher = attachment_key_open(KeyRing(), ref, "att-1", wrapped)

    assert open_bytes(opened_cipher, sealed, file_aad(ref, "att-1")) == data


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) - (CHUNK_BYTES + 20)],  # last chunk dropped
        lambda blob: blob[:-1],  # cut short
        lambda blob: blob[:-5] + bytes([blob[-5] ^ 1]) + blob[-4:],  # one bit flipped
    ],
    ids=["dropped-chunk", "truncated", "flipped"],
)
def test_damaged_file_is_refused(case, damage):
    """Dropping the last chunk, truncating or flipping a bit is detected."""
    ref = case.vault_key_ref()
    with keyring_scope() as ring:
        cipher, _wrapped = attachment_key_create(ring, ref, "att-1")
        sealed = seal_bytes(cipher, b"x" * (CHUNK_BYTES * 2 + 10), file_aad(ref, "att-1"))

    with pytest.raises(DecryptionFailedError):
        open_bytes(cipher, damage(sealed), file_aad(ref, "att-1"))


def test_file_moved_to_another_attachment_is_refused(case):
    """A file's ciphertext does not open as another attachment."""
    ref = case.vault_key_ref()
    with keyring_scope() as ring:
        cipher, _wrapped = attachment_key_create(ring, ref, "att-1")
        sealed = seal_bytes(cipher, b"evidence", file_aad(ref, "att-1"))

    with pytest.raises(DecryptionFailedError):
        open_bytes(cipher, sealed, file_aad(ref, "att-2"))


def test_erasing_the_case_makes_its_files_unreadable(case, organisation, coordinator):
    """After erasure the attachment key cannot be unwrapped (CRY-06)."""
    ref = case.vault_key_ref()
    with keyring_scope() as ring:
        _cipher, wrapped = attachment_key_create(ring, ref, "att-1")
    second = make_member(organisation, "coordinator", "sam.second")
    case_erasure_approve(
        membership=acting(second),
        erasure=case_erasure_request(membership=acting(coordinator), case=case),
    )

    with pytest.raises(KeyDestroyedError):
        attachment_key_open(
            KeyRing(), Case.objects.get(pk=case.pk).vault_key_ref(), "att-1", wrapped
        )


def test_system_secret_round_trip_fits_a_totp_column(db):
    """A 20-byte TOTP seed seals to ASCII under 80 characters and opens again (AUTH-06)."""
    seed = bytes(range(20))

    sealed = seal_system_secret(purpose="otp_totp", record_id="user-1", secret=seed)

    assert sealed.startswith("hv1:")
    assert len(sealed) <= 80
    assert seed.hex() not in sealed
    assert open_system_secret(purpose="otp_totp", record_id="user-1", sealed=sealed) == seed


def test_system_secret_bound_to_its_record(db):
    """A sealed seed copied to another user's record does not open."""
    sealed = seal_system_secret(purpose="otp_totp", record_id="user-1", secret=b"s" * 20)

    with pytest.raises(DecryptionFailedError):
        open_system_secret(purpose="otp_totp", record_id="user-2", sealed=sealed)
    with pytest.raises(DecryptionFailedError):
        open_system_secret(purpose="otp_totp", record_id="user-1", sealed="0123abcd")
