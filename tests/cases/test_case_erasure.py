"""Erasing a case needs two coordinators and crypto-shreds it (CRY-06)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.verification import verify_chain
from haven.cases.models import Case, CaseErasure, CaseStatus, Defender, ErasureState, Note
from haven.cases.selectors import case_principal_defender
from haven.cases.services import (
    CaseError,
    case_erasure_approve,
    case_erasure_request,
    defender_search,
    note_add,
)
from haven.cases.services.erasure import ERASURE_EXPIRED, NOT_A_COORDINATOR, SAME_COORDINATOR
from haven.organisations.models import Role
from haven.vault.errors import KeyDestroyedError
from haven.vault.keyring import keyring_scope
from haven.vault.models import BlindIndexEntry, DataKey
from tests.acting import acting
from tests.cases.factories import CANARY_NAME, CANARY_NOTE, open_canary_case
from tests.conftest import make_member


@pytest.fixture
def second_coordinator(organisation):
    return make_member(organisation, Role.COORDINATOR, "sam.second")


@pytest.fixture
def case(organisation):
    case = open_canary_case(organisation)
    note_add(membership=SYSTEM, case=case, body=CANARY_NOTE)
    return case


def erase(case, coordinator, second_coordinator):
    erasure = case_erasure_request(membership=acting(coordinator), case=case)
    return case_erasure_approve(membership=acting(second_coordinator), erasure=erasure)


def test_every_field_raises_erased(case, coordinator, second_coordinator):
    """After erasure every encrypted field of the case, its notes and its defender raises KeyDestroyedError."""
    defender_id = case_principal_defender(membership=SYSTEM, case=case).pk
    erase(case, coordinator, second_coordinator)

    fresh_case = Case.objects.get(pk=case.pk)
    defender = Defender.objects.get(pk=defender_id)
    note = Note.objects.get(case=case)
    readers = [
        lambda: fresh_case.facts,
        lambda: fresh_case.external_reference,
        lambda: note.body,
        *[
            lambda name=name: getattr(defender, name)
            for name in (
                "legal_name",
                "phone",
                "email",
                "birth_date",
                "address",
                "document_number",
                "other_names",
            )
        ],
    ]
    for read in readers:
        with pytest.raises(KeyDestroyedError, match="erased"):
            read()


def test_erasure_leaves_a_tombstone_and_audit_events(case, coordinator, second_coordinator):
    """The case row, the approved request and audit events with identifiers only remain; the chain verifies."""
    erase(case, coordinator, second_coordinator)

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ERASED
    assert CaseErasure.objects.get(case=case).state == ErasureState.APPROVED
    shredded = AuditEvent.objects.get(event_type=EventType.CASE_SHREDDED)
    assert shredded.object_id == str(case.pk)
    assert CANARY_NAME not in str(shredded.data)
    assert verify_chain().intact is True


def test_keys_and_index_tokens_are_gone(
    case, coordinator, second_coordinator, caseworker, organisation
):
    """Wrapped keys are destroyed, tokens deleted, and a search for the old name finds nothing."""
    defender_id = case_principal_defender(membership=SYSTEM, case=case).pk
    erase(case, coordinator, second_coordinator)

    assert not DataKey.objects.filter(
        owner_id__in=[case.pk, defender_id], wrapped__isnull=False
    ).exists()
    assert not BlindIndexEntry.objects.filter(owner_id=defender_id).exists()
    assert (
        defender_search(
            membership=acting(caseworker),
            organisation=organisation,
            field="legal_name",
            value=CANARY_NAME,
        )
        == []
    )


def test_an_open_key_ring_forgets_the_erased_key(case, coordinator, second_coordinator):
    """A key ring that had opened the case key cannot decrypt after the erasure in the same scope."""
    with keyring_scope():
        loaded = Case.objects.get(pk=case.pk)
        assert loaded.facts
        erase(case, coordinator, second_coordinator)
        with pytest.raises(KeyDestroyedError):
            _ = Case.objects.get(pk=case.pk).external_reference


def test_requester_cannot_approve(case, coordinator):
    """The coordinator who asked cannot also approve; nothing is erased."""
    erasure = case_erasure_request(membership=acting(coordinator), case=case)

    with pytest.raises(CaseError, match=str(SAME_COORDINATOR)):
        case_erasure_approve(membership=acting(coordinator), erasure=erasure)
    assert Case.objects.get(pk=case.pk).facts


def test_caseworker_cannot_request_or_approve(case, coordinator, caseworker):
    """Only coordinators take part in erasure."""
    with pytest.raises(CaseError, match=str(NOT_A_COORDINATOR)):
        case_erasure_request(membership=acting(caseworker), case=case)
    erasure = case_erasure_request(membership=acting(coordinator), case=case)
    with pytest.raises(CaseError, match=str(NOT_A_COORDINATOR)):
        case_erasure_approve(membership=acting(caseworker), erasure=erasure)


def test_coordinator_of_another_organisation_cannot_approve(case, coordinator, other_organisation):
    """A coordinator elsewhere is not a second coordinator here."""
    stranger = make_member(other_organisation, Role.COORDINATOR, "olga.outsider")
    erasure = case_erasure_request(membership=acting(coordinator), case=case)

    with pytest.raises(CaseError, match=str(NOT_A_COORDINATOR)):
        case_erasure_approve(membership=acting(stranger), erasure=erasure)


def test_expired_request_cannot_be_approved(case, coordinator, second_coordinator):
    """An approval after 72 hours is refused and nothing is erased."""
    erasure = case_erasure_request(membership=acting(coordinator), case=case)

    with (
        time_machine.travel(timezone.now() + datetime.timedelta(hours=73)),
        pytest.raises(CaseError, match=str(ERASURE_EXPIRED)),
    ):
        case_erasure_approve(membership=acting(second_coordinator), erasure=erasure)
    assert Case.objects.get(pk=case.pk).external_reference


def test_defender_in_another_live_case_keeps_their_key(
    organisation, coordinator, second_coordinator
):
    """A defender still linked to a live case is not erased with the first case."""
    first = open_canary_case(organisation)
    defender = case_principal_defender(membership=SYSTEM, case=first)
    second = open_canary_case(organisation, suffix=" other")
    second.defenders.add(defender)

    erase(first, coordinator, second_coordinator)

    assert Defender.objects.get(pk=defender.pk).legal_name == CANARY_NAME


def test_the_received_file_leaves_no_bare_fingerprint_and_shredding_unlinks_it(
    case, coordinator, second_coordinator
):
    """CRY-06, AUD-05: the audit event and the row hold a keyed fingerprint, unverifiable after erasure."""
    import hashlib

    from haven.cases.models import Attachment
    from haven.cases.services import attachment_add
    from haven.vault.files import received_fingerprint

    received = b"A fictional statement about a fictional harbour.\n"
    bare = hashlib.sha256(received).hexdigest()
    attachment = attachment_add(
        membership=acting(coordinator), case=case, name="statement.txt", data=received
    )
    event = AuditEvent.objects.get(event_type=EventType.ATTACHMENT_ADDED)
    stored = Attachment.objects.get(pk=attachment.pk)

    assert bare not in str(event.data)
    assert bare != stored.received_fingerprint
    assert event.data["received_fingerprint"] == stored.received_fingerprint
    with keyring_scope() as ring:
        assert stored.received_fingerprint == received_fingerprint(
            ring, case.vault_key_ref(), stored.pk, bytes(stored.wrapped_key), bare
        )
    erase(case, coordinator, second_coordinator)
    erased = Case.objects.get(pk=case.pk)
    with pytest.raises(KeyDestroyedError), keyring_scope() as ring:
        received_fingerprint(
            ring, erased.vault_key_ref(), stored.pk, bytes(stored.wrapped_key), bare
        )
