"""Encrypted fields: plaintext in memory, ciphertext bound to its row in the database (CRY-01..03)."""

import datetime
import json

import pytest
from django.db import connection

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Case, Defender, Note
from haven.cases.selectors import case_principal_defender
from haven.cases.services import note_add
from haven.vault.aead import open_prepared, seal_prepared
from haven.vault.errors import DecryptionFailedError
from haven.vault.fields import LATIN_1_TEXT, Encoded, row_keys
from tests.cases.factories import (
    CANARY_NAME,
    CANARY_NOTE,
    CANARY_REFERENCE,
    canary_facts,
    open_canary_case,
)


def _row_id(pk):
    return pk.hex if connection.vendor == "sqlite" else pk


def raw_column(table: str, column: str, pk) -> bytes:
    """Read a column as an attacker with database access would: raw SQL, no Django fields."""
    query = f"SELECT {column} FROM {table} WHERE id = %s"  # noqa: S608 (fixed names in tests)
    with connection.cursor() as cursor:
        cursor.execute(query, [_row_id(pk)])
        (value,) = cursor.fetchone()
    return bytes(value)


def write_raw_column(table: str, column: str, pk, value: bytes) -> None:
    """Overwrite a column behind the application's back."""
    query = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608 (fixed names in tests)
    with connection.cursor() as cursor:
        cursor.execute(query, [value, _row_id(pk)])


@pytest.fixture
def case(organisation):
    return open_canary_case(organisation)


def test_round_trip_returns_every_value(case):
    """Every encrypted field reads back, after a fresh load, exactly as written."""
    fresh = Case.objects.get(pk=case.pk)
    defender = Defender.objects.get(pk=case_principal_defender(membership=SYSTEM, case=fresh).pk)

    assert canary_facts() == fresh.facts
    assert fresh.external_reference == CANARY_REFERENCE
    assert defender.legal_name == CANARY_NAME
    assert datetime.date(1987, 3, 14) == defender.birth_date
    assert defender.other_names == ["Zeph Canarywood"]


def test_column_holds_versioned_ciphertext_not_plaintext(case):
    """The column starts with the v1 header and contains no canary (CRY-01)."""
    defender = case_principal_defender(membership=SYSTEM, case=case)
    stored = raw_column("cases_defender", "legal_name", defender.pk)

    assert stored.startswith(b"v1\x01")
    assert CANARY_NAME.encode() not in stored


def test_same_plaintext_encrypts_differently(organisation):
    """Two records with the same value get different ciphertexts (fresh nonces, CRY-03)."""
    first = open_canary_case(organisation)
    second = open_canary_case(organisation)

    assert raw_column("cases_case", "external_reference", first.pk) != raw_column(
        "cases_case", "external_reference", second.pk
    )


def test_ciphertext_moved_to_another_row_fails_closed(organisation):
    """A ciphertext copied onto another case's row fails to decrypt and is audited (CRY-02, CRY-08)."""
    first = open_canary_case(organisation)
    second = open_canary_case(organisation)
    write_raw_column(
        "cases_case",
        "external_reference",
        second.pk,
        raw_column("cases_case", "external_reference", first.pk),
    )

    with pytest.raises(DecryptionFailedError):
        _ = Case.objects.get(pk=second.pk).external_reference
    assert AuditEvent.objects.filter(
        event_type=EventType.DECRYPT_FAILED, object_id=str(second.pk)
    ).exists()


def test_ciphertext_moved_to_another_column_fails(case):
    """A ciphertext copied into another column of the same row fails to decrypt (CRY-02)."""
    defender = case_principal_defender(membership=SYSTEM, case=case)
    write_raw_column(
        "cases_defender", "phone", defender.pk, raw_column("cases_defender", "email", defender.pk)
    )

    with pytest.raises(DecryptionFailedError):
        _ = Defender.objects.get(pk=defender.pk).phone


def test_flipped_byte_fails(case):
    """Changing one byte of a ciphertext is detected."""
    stored = bytearray(raw_column("cases_case", "facts", case.pk))
    stored[-1] ^= 1
    write_raw_column("cases_case", "facts", case.pk, bytes(stored))

    with pytest.raises(DecryptionFailedError):
        _ = Case.objects.get(pk=case.pk).facts


def test_plaintext_never_reaches_sql_filters(case):
    """Filtering on an encrypted column with plaintext raises instead of querying."""
    with pytest.raises(TypeError):
        list(Defender.objects.filter(legal_name=CANARY_NAME))


def test_in_place_json_changes_are_saved(case):
    """Changing the decrypted facts dict in place and saving persists the change."""
    fresh = Case.objects.get(pk=case.pk)
    fresh.facts["assessed_on"] = "2025-01-02"
    fresh.save()

    assert Case.objects.get(pk=case.pk).facts["assessed_on"] == "2025-01-02"


def test_a_value_assigned_with_its_encoding_seals_those_bytes(case):
    """``Encoded`` reads as its plaintext before saving, and saving seals the bytes given."""
    fresh = Case.objects.get(pk=case.pk)
    facts = {**fresh.facts, "assessed_on": "2025-01-03"}
    field = Case._meta.get_field("facts")
    encoded = json.dumps(facts).encode()  # not the field's own form, to tell the two apart
    assert encoded != field.encode(facts)
    fresh.facts = Encoded(facts, encoded)

    assert fresh.facts is facts
    fresh.save()
    assert fresh.facts is facts

    stored = raw_column("cases_case", "facts", case.pk)
    assert encoded not in stored
    keys = row_keys(fresh)
    assert (
        open_prepared(keys.opened.cipher, keys.opened.header, stored, keys.aad_for(field))
        == encoded
    )
    assert Case.objects.get(pk=case.pk).facts == facts


def test_unread_fields_are_not_decrypted(case, django_assert_num_queries):
    """Loading a case and reading only its code opens no key (lazy decryption)."""
    with django_assert_num_queries(1):
        loaded = Case.objects.get(pk=case.pk)
        assert loaded.code


def test_notes_use_the_case_key(case):
    """A note's body round-trips and is stored encrypted."""
    note = note_add(membership=SYSTEM, case=case, body=CANARY_NOTE)

    assert Note.objects.get(pk=note.pk).body == CANARY_NOTE
    assert CANARY_NOTE.encode() not in raw_column("cases_note", "body", note.pk)


TEXTS_IN_EVERY_ENCODING = [
    "",
    "Zeph Canarywood",  # ASCII: sealed as UTF-8 (the same bytes)
    "María Peña, río Óscar, garçon, ÿ",  # Latin-1: sealed with the marker byte
    "بيت آمن في المدينة",  # Arabic: UTF-8
    "Ana 🙂 José",  # beyond the Basic Multilingual Plane: UTF-8
    "\xff leading",  # the marker's own character as text
]


@pytest.mark.parametrize("text", TEXTS_IN_EVERY_ENCODING)
def test_text_in_any_script_round_trips(case, text):
    """Whatever encoding a text is sealed in, it reads back exactly, after a fresh load."""
    defender = case_principal_defender(membership=SYSTEM, case=case)
    defender.legal_name = text
    defender.save()

    stored = raw_column("cases_defender", "legal_name", defender.pk)
    fresh = Defender.objects.get(pk=defender.pk)

    assert fresh.legal_name == text
    assert stored.startswith(b"v1\x01")
    if text:
        assert text.encode() not in stored
        assert text.encode("utf-16-le") not in stored


def test_latin_1_text_uses_the_marker_and_utf8_text_never_starts_with_it():
    """The Latin-1 marker never begins UTF-8, so values sealed before it read unchanged."""
    field = Defender._meta.get_field("legal_name")

    assert field.encode("María") == LATIN_1_TEXT + "María".encode("latin-1")
    assert field.encode("Maria") == b"Maria"
    for text in TEXTS_IN_EVERY_ENCODING:
        utf8 = text.encode()
        assert not utf8.startswith(LATIN_1_TEXT)
        assert field.decode(utf8) == text  # as sealed before the marker existed
        assert field.decode(field.encode(text)) == text
    with pytest.raises(TypeError):
        field.encode(b"bytes")


@pytest.mark.parametrize("text", TEXTS_IN_EVERY_ENCODING)
def test_text_sealed_as_utf8_before_the_marker_reads_through_the_attribute(case, text):
    """Values written before the Latin-1 marker existed (all UTF-8) still read, as pages read them."""
    defender = case_principal_defender(membership=SYSTEM, case=case)
    field = Defender._meta.get_field("legal_name")
    keys = row_keys(defender)
    opened = keys.opened
    old_blob = seal_prepared(opened.cipher, opened.header, text.encode(), keys.aad_for(field))
    write_raw_column("cases_defender", "legal_name", defender.pk, old_blob)

    assert Defender.objects.get(pk=defender.pk).legal_name == text
