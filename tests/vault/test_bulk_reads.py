"""
Reading many records at once: keys opened with one query (``KeyRing.prefetch``) and values
decrypted from plain value rows (``SealedColumn``), with the same binding and failures as the
attribute (CRY-02, CRY-05, CRY-08).
"""

import pytest

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import CASE_KEY, Case
from haven.vault.errors import DecryptionFailedError, KeyDestroyedError
from haven.vault.fields import SealedColumn
from haven.vault.keyring import KeyRef, keyring_scope
from tests.cases.factories import CANARY_REFERENCE, canary_facts, open_canary_case
from tests.vault.test_fields import raw_column, write_raw_column

FACTS = SealedColumn(Case, "facts")
REFERENCE = SealedColumn(Case, "external_reference")


def _rows(cases):
    return Case.objects.filter(pk__in=[case.pk for case in cases]).values_list(
        "id", "organisation_id", "facts", "external_reference"
    )


def _ref(organisation_id, case_id):
    return KeyRef(organisation_id, CASE_KEY, case_id)


def test_values_rows_open_to_what_the_attributes_read(organisation, django_assert_num_queries):
    """Three cases' keys take one query; each value opens to the attribute's plaintext."""
    cases = [open_canary_case(organisation) for _ in range(3)]
    rows = list(_rows(cases))

    with keyring_scope() as ring:
        with django_assert_num_queries(1):
            ring.prefetch(_ref(organisation_id, pk) for pk, organisation_id, *_ in rows)
        with django_assert_num_queries(0):
            opened = {
                pk: (
                    FACTS.open(ring, _ref(organisation_id, pk), pk, facts),
                    REFERENCE.open(ring, _ref(organisation_id, pk), pk, reference),
                )
                for pk, organisation_id, facts, reference in rows
            }

    assert opened == {case.pk: (canary_facts(), CANARY_REFERENCE) for case in cases}
    with keyring_scope() as ring:
        first = cases[0]
        ref = _ref(organisation.pk, first.pk)
        assert FACTS.open(ring, ref, first.pk, None) is None
        # The column's bytes read some other way (raw SQL) open the same.
        stored = raw_column("cases_case", "external_reference", first.pk)
        assert REFERENCE.open(ring, ref, first.pk, stored) == CANARY_REFERENCE


def test_only_encrypted_columns_can_be_opened():
    with pytest.raises(TypeError):
        SealedColumn(Case, "code")


def test_a_value_copied_from_another_row_fails_and_is_audited(organisation):
    """A ciphertext moved to another case's row fails to open there, as through the attribute."""
    source, target = open_canary_case(organisation), open_canary_case(organisation)
    write_raw_column(
        "cases_case",
        "external_reference",
        target.pk,
        raw_column("cases_case", "external_reference", source.pk),
    )
    ((pk, organisation_id, _facts, reference),) = _rows([target])

    with keyring_scope() as ring, pytest.raises(DecryptionFailedError):
        ring.prefetch([_ref(organisation_id, pk)])
        REFERENCE.open(ring, _ref(organisation_id, pk), pk, reference)

    events = AuditEvent.objects.filter(
        event_type=EventType.DECRYPT_FAILED, object_id=str(target.pk)
    )
    assert [event.data for event in events] == [{"field": "external_reference"}]


def test_the_same_value_under_another_organisation_fails(organisation, other_organisation):
    """The organisation is part of the associated data: claiming another one does not open."""
    case = open_canary_case(organisation)
    ((pk, _organisation_id, _facts, reference),) = _rows([case])

    with keyring_scope() as ring:
        ring.prefetch([_ref(organisation.pk, pk)])
        with pytest.raises(DecryptionFailedError):
            REFERENCE.open(ring, _ref(other_organisation.pk, pk), pk, reference)


def test_prefetch_skips_destroyed_keys_and_reading_them_says_erased(organisation):
    """An erased case among many: the others open, its values raise KeyDestroyedError."""
    kept, erased = open_canary_case(organisation), open_canary_case(organisation)
    with keyring_scope() as ring:
        ring.destroy_data_key(_ref(organisation.pk, erased.pk))
    rows = {pk: row for pk, *row in _rows([kept, erased])}

    with keyring_scope() as ring:
        ring.prefetch(_ref(organisation.pk, pk) for pk in rows)
        organisation_id, _facts, reference = rows[kept.pk]
        assert REFERENCE.open(ring, _ref(organisation_id, kept.pk), kept.pk, reference) == (
            CANARY_REFERENCE
        )
        organisation_id, _facts, reference = rows[erased.pk]
        with pytest.raises(KeyDestroyedError):
            REFERENCE.open(ring, _ref(organisation_id, erased.pk), erased.pk, reference)
