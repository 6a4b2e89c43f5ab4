"""
How encrypted fields hold their keys: once per row, only while the key ring is open, always bound
to the current row (CRY-02, CRY-05), and how failures are audited even after a rollback (CRY-08).
"""

import uuid

import pytest
from django.db import transaction

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.verification import verify_chain
from haven.cases.models import CASE_KEY, Case, Note
from haven.cases.services import note_add
from haven.vault.errors import DecryptionFailedError, KeyNotFoundError
from haven.vault.keyring import KeyRef, keyring_scope
from tests.cases.factories import CANARY_NOTE, CANARY_REFERENCE, canary_facts, open_canary_case
from tests.vault.test_fields import raw_column, write_raw_column


@pytest.fixture
def case(organisation):
    return open_canary_case(organisation)


def _swap_reference_from(source: Case, target: Case) -> None:
    """Copy one case's encrypted reference onto another case's row, as a database attacker could."""
    write_raw_column(
        "cases_case",
        "external_reference",
        target.pk,
        raw_column("cases_case", "external_reference", source.pk),
    )


def _failure_events(case: Case):
    return AuditEvent.objects.filter(event_type=EventType.DECRYPT_FAILED, object_id=str(case.pk))


def test_closing_the_scope_revokes_the_key_a_row_holds(case):
    """A row keeps the key ring's entry, not the key: closing the scope empties it (CRY-05)."""
    with keyring_scope():
        loaded = Case.objects.get(pk=case.pk)
        assert loaded.external_reference == CANARY_REFERENCE
        held = loaded.__dict__["_vault_row"].opened
        assert held.cipher is not None

    assert held.cipher is None
    # A field not read yet still opens afterwards, with a key fetched afresh.
    assert loaded.facts == canary_facts()


def test_a_row_given_a_new_primary_key_binds_new_values_to_it(case):
    """After the primary key changes, values are sealed for the new row, not the old (CRY-02)."""
    note = note_add(membership=SYSTEM, case=case, body=CANARY_NOTE)
    copy = Note.objects.get(pk=note.pk)
    assert copy.body == CANARY_NOTE  # the row's keys are now built for the old primary key

    copy.pk = uuid.uuid4()
    copy.body = "A second fictional note"
    copy.save(force_insert=True)

    assert Note.objects.get(pk=copy.pk).body == "A second fictional note"
    assert Note.objects.get(pk=note.pk).body == CANARY_NOTE


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: blob[:3] + b"\x00\x07" + blob[5:], id="other-key-version"),
        pytest.param(lambda blob: b"v2" + blob[2:], id="unknown-format"),
        pytest.param(lambda blob: blob[:20], id="truncated"),
    ],
)
def test_damaged_headers_fail_closed(case, damage):
    """A changed key version, an unknown format or a truncated value raises and is audited (CRY-01, CRY-08)."""
    stored = raw_column("cases_case", "external_reference", case.pk)
    write_raw_column("cases_case", "external_reference", case.pk, damage(stored))

    with pytest.raises(DecryptionFailedError):
        _ = Case.objects.get(pk=case.pk).external_reference
    assert _failure_events(case).count() == 1


def test_a_data_key_asked_for_under_another_organisation_is_refused(case, other_organisation):
    """Claiming a case's data key for another organisation fails, joined or fetched (CRY-05)."""
    with keyring_scope() as ring, pytest.raises(KeyNotFoundError):
        ring.data_key(KeyRef(other_organisation.pk, CASE_KEY, case.pk))
    preloaded = Case.objects.select_related("data_key__organisation_key").get(pk=case.pk).data_key
    with keyring_scope() as ring, pytest.raises(KeyNotFoundError):
        ring.data_key(KeyRef(other_organisation.pk, CASE_KEY, case.pk, preloaded))


def test_a_missing_data_key_is_reported(organisation):
    """A record with no data key raises KeyNotFoundError instead of reading anything."""
    with keyring_scope() as ring, pytest.raises(KeyNotFoundError):
        ring.data_key(KeyRef(organisation.pk, CASE_KEY, uuid.uuid4()))


def test_failure_event_survives_the_callers_rollback(organisation):
    """A decryption failure inside a transaction that rolls back is still audited (CRY-08)."""
    source, target = open_canary_case(organisation), open_canary_case(organisation)
    _swap_reference_from(source, target)

    with keyring_scope(), pytest.raises(DecryptionFailedError), transaction.atomic():
        _ = Case.objects.get(pk=target.pk).external_reference

    events = list(_failure_events(target))
    assert len(events) == 1
    assert events[0].data == {"field": "external_reference", "after_rollback": True}
    assert verify_chain().intact


def test_failure_event_is_written_once_when_the_transaction_commits(organisation):
    """When the caller's transaction survives, the failure is audited exactly once (CRY-08)."""
    source, target = open_canary_case(organisation), open_canary_case(organisation)
    _swap_reference_from(source, target)

    with keyring_scope(), transaction.atomic(), pytest.raises(DecryptionFailedError):
        _ = Case.objects.get(pk=target.pk).external_reference

    assert [event.data for event in _failure_events(target)] == [{"field": "external_reference"}]


def test_one_record_and_its_keys_take_two_queries(case, django_assert_num_queries):
    """Reading every encrypted field of one loaded row costs one query for its keys, no more."""
    with keyring_scope(), django_assert_num_queries(2):
        loaded = Case.objects.get(pk=case.pk)
        assert loaded.external_reference == CANARY_REFERENCE
        assert loaded.facts == canary_facts()
