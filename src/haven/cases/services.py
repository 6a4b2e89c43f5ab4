"""
Writes to cases, defenders and notes, and the blind-index search that audits itself.

Every function runs in one transaction inside a key-ring scope and writes its audit event in that
transaction. Audit events carry identifiers and counts only; names, notes and search terms never
enter the chain (AUD-05).
"""

import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Organisation
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.cases.models import (
    Case,
    CaseDefender,
    CaseErasure,
    CaseStatus,
    Defender,
    ErasureState,
    Note,
)
from haven.cases.selectors import is_coordinator, membership_roles
from haven.vault.blind_index import (
    blind_index_candidates,
    blind_index_delete,
    blind_index_update,
    find_index,
)
from haven.vault.errors import SearchRateLimitedError
from haven.vault.keyring import keyring_scope

IDENTITY_FIELDS = (
    "legal_name",
    "other_names",
    "birth_date",
    "phone",
    "email",
    "document_number",
    "address",
)
ERASURE_APPROVAL_WINDOW = datetime.timedelta(hours=72)
SEARCHES_PER_HOUR = 50

LEGAL_NAME_REQUIRED = "A defender needs a legal name."
UNKNOWN_IDENTITY_FIELD = "{field!r} is not an identity field."
CASE_ERASED = "This case was erased and can no longer be changed."
NOT_A_COORDINATOR = "Only a coordinator of the case's organisation can request or approve erasure."
SAME_COORDINATOR = "A second coordinator must approve the erasure: the requester cannot."
ERASURE_PENDING = "An erasure of this case is already waiting for approval."
ERASURE_NOT_PENDING = "This erasure request is not waiting for approval."
ERASURE_EXPIRED = "This erasure request expired; ask again."
SEARCH_FIELD_UNKNOWN = "Defenders cannot be searched by {field!r}."
SEARCH_LIMIT_REACHED = "You have run {limit} searches in the past hour, the limit. Try again later."


class CaseError(Exception):
    """A case operation refused for a reason the user can act on."""


def _new_case_code(organisation: Organisation) -> str:
    """Return a random code: sequential numbers would reveal how many cases an organisation has."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "HV-" + "".join(secrets.choice(alphabet) for _ in range(6))
        if not Case.objects.filter(organisation=organisation, code=code).exists():
            return code


def _set_identity(defender: Defender, identity: Mapping[str, Any]) -> None:
    for name, value in identity.items():
        if name not in IDENTITY_FIELDS:
            raise CaseError(UNKNOWN_IDENTITY_FIELD.format(field=name))
        setattr(defender, name, value)
    if not (defender.legal_name or "").strip():
        raise CaseError(LEGAL_NAME_REQUIRED)


@transaction.atomic
def _defender_create(
    *, organisation: Organisation, actor: Any, identity: Mapping[str, Any]
) -> Defender:
    """
    Create a defender with their own data key, encrypted identity and blind-index tokens.

    Only ``case_open`` calls it, and its ``case.opened`` event names the defender. Raises CaseError
    for a missing legal name or an unknown identity field; nothing is written then.
    """
    with keyring_scope() as ring:
        defender = Defender(organisation=organisation)
        _set_identity(defender, identity)
        defender.data_key = ring.create_data_key(defender.vault_key_ref())
        defender.save()
        blind_index_update(defender, ring)
    return defender


@transaction.atomic
def defender_update(*, defender: Defender, actor: Any, identity: Mapping[str, Any]) -> Defender:
    """Replace the given identity fields and refresh the defender's blind-index tokens."""
    if defender.erased_at is not None:
        raise CaseError(CASE_ERASED)
    with keyring_scope() as ring:
        _set_identity(defender, identity)
        defender.save()
        blind_index_update(defender, ring)
        record_event(
            EventType.CASE_UPDATED,
            actor=actor,
            organisation=defender.organisation_id,
            object_type="defender",
            object_id=defender.pk,
            data={"fields": sorted(identity)},
        )
    return defender


@transaction.atomic
def case_open(
    *,
    organisation: Organisation,
    actor: Any,
    identity: Mapping[str, Any],
    facts: Mapping[str, Any],
    external_reference: str | None = None,
    code: str | None = None,
) -> Case:
    """
    Open a case for a new defender and return it.

    Creates the defender (own data key), the case (own data key, encrypted facts and external
    reference) and the link between them. The caller has checked that ``actor`` may open cases in
    ``organisation`` and that ``facts`` follow the case-facts schema. Side effect: one
    ``case.opened`` event. Raises CaseError when the identity is incomplete.
    """
    with keyring_scope() as ring:
        defender = _defender_create(organisation=organisation, actor=actor, identity=identity)
        case = Case(organisation=organisation, code=code or _new_case_code(organisation))
        case.facts = dict(facts)
        case.external_reference = external_reference
        case.data_key = ring.create_data_key(case.vault_key_ref())
        case.save()
        CaseDefender.objects.create(case=case, defender=defender)
        record_event(
            EventType.CASE_OPENED,
            actor=actor,
            organisation=organisation,
            object_type="case",
            object_id=case.pk,
            data={"code": case.code, "defender_id": defender.pk},
        )
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: Any,
    facts: Mapping[str, Any] | None = None,
    external_reference: str | None = None,
) -> Case:
    """Replace a case's facts and/or external reference. Side effect: one ``case.updated`` event."""
    if case.status == CaseStatus.ERASED:
        raise CaseError(CASE_ERASED)
    changed = []
    with keyring_scope():
        if facts is not None:
            case.facts = dict(facts)
            changed.append("facts")
        if external_reference is not None:
            case.external_reference = external_reference
            changed.append("external_reference")
        case.save()
        record_event(
            EventType.CASE_UPDATED,
            actor=actor,
            organisation=case.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"fields": changed},
        )
    return case


@transaction.atomic
def note_add(*, case: Case, author: Any, body: str) -> Note:
    """Add a note encrypted under the case's key. Side effect: one ``case.note_added`` event."""
    if case.status == CaseStatus.ERASED:
        raise CaseError(CASE_ERASED)
    with keyring_scope():
        note = Note(case=case, organisation_id=case.organisation_id, author=author, body=body)
        note.save()
        record_event(
            EventType.NOTE_ADDED,
            actor=author,
            organisation=case.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"note_id": note.pk},
        )
    return note


@transaction.atomic
def case_erasure_request(*, case: Case, requested_by: Any) -> CaseErasure:
    """
    Ask for a case to be erased; a second coordinator must approve within 72 hours.

    Checks itself that ``requested_by`` is a coordinator of the case's organisation. Side effect:
    one ``vault.shred_requested`` event. Raises CaseError otherwise, or when a request is pending.
    """
    organisation = case.organisation
    if not is_coordinator(requested_by, organisation):
        raise CaseError(NOT_A_COORDINATOR)
    if case.status == CaseStatus.ERASED:
        raise CaseError(CASE_ERASED)
    now = timezone.now()
    if CaseErasure.objects.filter(
        case=case, state=ErasureState.PENDING, expires_at__gt=now
    ).exists():
        raise CaseError(ERASURE_PENDING)
    erasure = CaseErasure.objects.create(
        organisation=organisation,
        case=case,
        requested_by=requested_by,
        requested_at=now,
        expires_at=now + ERASURE_APPROVAL_WINDOW,
    )
    record_event(
        EventType.SHRED_REQUESTED,
        actor=requested_by,
        organisation=organisation,
        object_type="case",
        object_id=case.pk,
        data={"erasure_id": erasure.pk},
    )
    return erasure


@transaction.atomic
def case_erasure_approve(*, erasure: CaseErasure, approved_by: Any) -> CaseErasure:
    """
    Approve an erasure and crypto-shred the case at once.

    Checks itself that ``approved_by`` is a coordinator of the same organisation and not the
    requester. Destroys the case's data key and the keys of its defenders that no other live case
    refers to, deletes their blind-index tokens, and marks the rows erased; every encrypted field
    then raises KeyDestroyedError. Side effects: ``vault.shred_approved`` and ``vault.case_shredded``
    events holding identifiers only. Raises CaseError when the approval is not allowed.
    """
    erasure = CaseErasure.objects.select_for_update().get(pk=erasure.pk)
    case = Case.objects.select_for_update().get(pk=erasure.case_id)
    if erasure.state != ErasureState.PENDING:
        raise CaseError(ERASURE_NOT_PENDING)
    if not is_coordinator(approved_by, case.organisation):
        raise CaseError(NOT_A_COORDINATOR)
    if approved_by.pk == erasure.requested_by_id:
        raise CaseError(SAME_COORDINATOR)
    now = timezone.now()
    if erasure.expires_at <= now:
        raise CaseError(ERASURE_EXPIRED)

    with keyring_scope() as ring:
        ring.destroy_data_key(case.vault_key_ref())
        erased_defenders = []
        for defender in case.defenders.filter(erased_at__isnull=True):
            still_needed = (
                CaseDefender.objects.filter(defender=defender)
                .exclude(case=case)
                .exclude(case__status=CaseStatus.ERASED)
                .exists()
            )
            if not still_needed:
                ring.destroy_data_key(defender.vault_key_ref())
                erased_defenders.append(defender.pk)
        blind_index_delete(erased_defenders)
        Defender.objects.filter(pk__in=erased_defenders).update(erased_at=now)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ERASED, erased_at=now)
    erasure.state = ErasureState.APPROVED
    erasure.approved_by = approved_by
    erasure.approved_at = now
    erasure.save(update_fields=["state", "approved_by", "approved_at"])
    record_event(
        EventType.SHRED_APPROVED,
        actor=approved_by,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"erasure_id": erasure.pk, "requested_by": erasure.requested_by.public_id},
    )
    record_event(
        EventType.CASE_SHREDDED,
        actor=approved_by,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"defender_ids": erased_defenders},
    )
    return erasure


def defender_search(
    *, user: Any, organisation: Organisation, field: str, value: str
) -> list[Defender]:
    """
    Return the defenders of ``organisation`` whose ``field`` equals ``value`` after normalisation.

    Looks the normalised value up through its blind index, then decrypts the candidates to drop
    the false positives that truncation creates on purpose (BI-02). Checks itself that the user
    is an active member (an outsider gets the same empty answer as a miss, BI-04) and allows
    ``SEARCHES_PER_HOUR`` searches per user per hour, counted from the audit log, so the limit holds
    across processes. Side effect: one ``vault.blind_search`` event holding the token, never the
    term. Raises SearchRateLimitedError past the limit and CaseError for a field without an index.
    """
    try:
        index = find_index(Defender, field)
    except KeyError:
        raise CaseError(SEARCH_FIELD_UNKNOWN.format(field=field)) from None
    with transaction.atomic(), keyring_scope() as ring:
        if user is not None and getattr(user, "public_id", None) is not None:
            since = timezone.now() - datetime.timedelta(hours=1)
            recent = AuditEvent.objects.filter(
                event_type=EventType.BLIND_SEARCH, actor_id=user.public_id, occurred_at__gte=since
            ).count()
            if recent >= SEARCHES_PER_HOUR:
                raise SearchRateLimitedError(SEARCH_LIMIT_REACHED.format(limit=SEARCHES_PER_HOUR))
        allowed = bool(membership_roles(user, organisation))
        searched, owner_ids = blind_index_candidates(ring, organisation.pk, Defender, index, value)
        matches: list[Defender] = []
        if allowed and owner_ids:
            candidates = list(
                Defender.objects.filter(
                    organisation=organisation, pk__in=owner_ids, erased_at__isnull=True
                )
            )
            ring.prefetch(candidate.vault_key_ref() for candidate in candidates)
            wanted = index.normalise(value)
            for candidate in candidates:
                stored = getattr(candidate, index.field)
                values = stored if isinstance(stored, list) else [stored]
                if any(
                    isinstance(item, str) and index.normalise(item) == wanted for item in values
                ):
                    matches.append(candidate)
        record_event(
            EventType.BLIND_SEARCH,
            actor=user,
            organisation=organisation,
            object_type="defender",
            data={
                "index": index.name,
                "token": searched or "",
                "candidates": len(owner_ids) if allowed else 0,
                "matches": len(matches),
            },
        )
    return matches
