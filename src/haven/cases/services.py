"""
Writes to cases, defenders and notes, and the blind-index search that audits itself.

Every function runs in one transaction inside a key-ring scope and writes its audit event in that
transaction. Audit events carry identifiers and counts only; names, notes and search terms never
enter the chain (AUD-05).
"""

import datetime
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.cases.facts_mapping import SplitFacts, split_facts
from haven.cases.models import (
    URGENCY_RANK,
    Assessment,
    Assignment,
    Attachment,
    BreakGlassGrant,
    Case,
    CaseDefender,
    CaseErasure,
    CaseStatus,
    Consent,
    ConsentPurpose,
    Defender,
    Dependant,
    ErasureState,
    FormReceipt,
    IdentityReveal,
    Note,
    Notification,
    NotificationKind,
    Prosecution,
    StatusChange,
    Threat,
    Urgency,
)
from haven.cases.selectors import is_coordinator, membership_roles
from haven.organisations.models import Membership, Organisation, Role
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


UNKNOWN_URGENCY = "That urgency is not one Haven knows."


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
    urgency: str = Urgency.ROUTINE,
) -> Case:
    """
    Open a case for a new defender and return it.

    Creates the defender (own data key), the case (own data key, encrypted facts and external
    reference), the link between them, and one row per threat, prosecution and dependant found
    in ``facts`` (``facts_mapping.split_facts``). The caller has checked that ``actor`` may open
    cases in ``organisation`` and that ``facts`` follow the case-facts schema. Side effect: one
    ``case.opened`` event. Raises CaseError when the identity is incomplete.
    """
    if urgency not in Urgency.values:
        raise CaseError(UNKNOWN_URGENCY)
    with keyring_scope() as ring:
        defender = _defender_create(organisation=organisation, actor=actor, identity=identity)
        split = split_facts(facts)
        case = Case(
            organisation=organisation,
            code=code or _new_case_code(organisation),
            urgency=urgency,
            urgency_rank=URGENCY_RANK[Urgency(urgency)],
        )
        case.facts = split.document
        case.external_reference = external_reference
        case.data_key = ring.create_data_key(case.vault_key_ref())
        case.save()
        CaseDefender.objects.create(case=case, defender=defender)
        _records_create(case=case, actor=actor, split=split)
        record_event(
            EventType.CASE_OPENED,
            actor=actor,
            organisation=organisation,
            object_type="case",
            object_id=case.pk,
            data={"code": case.code, "defender_id": defender.pk},
        )
    return case


def _records_create(*, case: Case, actor: Any, split: SplitFacts) -> None:
    """Store the threats, prosecutions and dependants of a facts document as rows, in order."""
    start = timezone.now()
    tick = datetime.timedelta(microseconds=1)
    author = actor if getattr(actor, "pk", None) else None
    common = {"case": case, "organisation_id": case.organisation_id, "recorded_by": author}
    for index, (details, note) in enumerate(split.threats):
        Threat(**common, details=details, narrative=note, recorded_at=start + index * tick).save()
    for index, details in enumerate(split.prosecutions):
        Prosecution(**common, details=details, recorded_at=start + index * tick).save()
    for index, details in enumerate(split.dependants):
        Dependant(**common, details=details, recorded_at=start + index * tick).save()


def case_replace_facts(*, case: Case, actor: Any, facts: Mapping[str, Any]) -> Case:
    """
    Replace every fact of a case with ``facts`` (an import of a case that exists).

    The threat, prosecution and dependant rows are replaced by those of the document. Runs in the
    caller's transaction. Side effect: one ``case.updated`` event.
    """
    split = split_facts(facts)
    Threat.objects.filter(case=case).delete()
    Prosecution.objects.filter(case=case).delete()
    Dependant.objects.filter(case=case).delete()
    _records_create(case=case, actor=actor, split=split)
    return case_update(case=case, actor=actor, facts=split.document)


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
    ``SEARCHES_PER_HOUR`` searches per user per hour, counted from the audit log under a lock on
    the user's row, so the limit holds across processes and concurrent requests. Side effect: one ``vault.blind_search`` event holding the token, never the
    term. Raises SearchRateLimitedError past the limit and CaseError for a field without an index.
    """
    try:
        index = find_index(Defender, field)
    except KeyError:
        raise CaseError(SEARCH_FIELD_UNKNOWN.format(field=field)) from None
    with transaction.atomic(), keyring_scope() as ring:
        if user is not None and getattr(user, "public_id", None) is not None:
            # Count and record under one lock on the searcher's row, or concurrent searches all
            # read the same count and slip past the limit together (issue 11, item 10). SQLite
            # serialises writers already: its transactions begin IMMEDIATE (settings).
            list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
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


# Need-to-know: assignments, break-glass, reveal --------------------------------------------

BREAK_GLASS_HOURS = 8
NOT_A_CASE_MEMBER = "That person is not an active member of this case's organisation."
NO_CASE_WITH_CODE = "There is no open case with that code in your organisation."
ALREADY_VISIBLE = "You can already see this case."
REASON_REQUIRED = "Give a reason of at least {minimum} characters."
MINIMUM_REASON = 10


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


def _check_live(case: Case) -> None:
    if case.status == CaseStatus.ERASED:
        raise CaseError(CASE_ERASED)


def _reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if len(cleaned) < MINIMUM_REASON:
        raise CaseError(REASON_REQUIRED.format(minimum=MINIMUM_REASON))
    return cleaned


@transaction.atomic
def case_assign(*, actor: Any, case: Case, membership: Membership) -> Assignment:
    """
    Put a member on the case's access list (AZ-03); assigning twice changes nothing.

    Permission: the caller checked Permission.CASE_ASSIGN (or is opening the case). Side effect:
    one ``case.assigned`` event. Raises CaseError for a member of another organisation.
    """
    _check_live(case)
    if membership.organisation_id != case.organisation_id or not membership.is_active:
        raise CaseError(NOT_A_CASE_MEMBER)
    assignment, created = Assignment.objects.get_or_create(
        case=case,
        membership=membership,
        defaults={"assigned_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        record_event(
            EventType.CASE_ASSIGNED,
            actor=actor,
            organisation=case.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"membership": str(membership.pk)},
        )
    return assignment


@transaction.atomic
def case_unassign(*, actor: Any, case: Case, membership: Membership) -> None:
    """Take a member off the access list; their next request no longer sees the case (AZ-03)."""
    deleted, _ = Assignment.objects.filter(case=case, membership=membership).delete()
    if deleted:
        record_event(
            EventType.CASE_UNASSIGNED,
            actor=actor,
            organisation=case.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"membership": str(membership.pk)},
        )


def break_glass_open(*, membership: Membership, code: str, reason: str) -> Case:
    """
    Give a member emergency access to a case of their organisation they are not assigned to.

    Permission: the caller checked Permission.CASE_BREAK_GLASS. The grant lasts
    ``BREAK_GLASS_HOURS``; the reason is kept encrypted under the case key; every active
    coordinator of the organisation gets an in-app notification. Side effect: one
    ``authz.break_glass`` event (also for a code that matches nothing, so probing is on record).
    Raises CaseError for a short reason or an unknown code.
    """
    from haven.cases.selectors import case_by_code, visible_cases

    cleaned = _reason(reason)
    case = case_by_code(membership.organisation, code)
    if case is None:
        with transaction.atomic():
            record_event(
                EventType.BREAK_GLASS,
                actor=membership.user,
                organisation=membership.organisation_id,
                object_type="case",
                data={"outcome": "no_such_case"},
            )
        raise CaseError(NO_CASE_WITH_CODE)
    if visible_cases(membership).filter(pk=case.pk).exists():
        raise CaseError(ALREADY_VISIBLE)
    with transaction.atomic():
        return _break_glass_grant(membership=membership, case=case, reason=cleaned)


def _break_glass_grant(*, membership: Membership, case: Case, reason: str) -> Case:
    now = timezone.now()
    cleaned = reason
    with keyring_scope():
        grant = BreakGlassGrant(
            case=case,
            organisation_id=case.organisation_id,
            membership=membership,
            recorded_by=membership.user,
            reason=cleaned,
            expires_at=now + datetime.timedelta(hours=BREAK_GLASS_HOURS),
        )
        grant.save()
    coordinators = Membership.objects.filter(
        organisation_id=case.organisation_id, role=Role.COORDINATOR, is_active=True
    ).exclude(pk=membership.pk)
    Notification.objects.bulk_create(
        Notification(
            organisation_id=case.organisation_id,
            recipient=coordinator,
            kind=NotificationKind.BREAK_GLASS,
            case=case,
            actor=membership,
        )
        for coordinator in coordinators
    )
    record_event(
        EventType.BREAK_GLASS,
        actor=membership.user,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"grant_id": grant.pk, "outcome": "granted", "hours": BREAK_GLASS_HOURS},
    )
    return case


@transaction.atomic
def notifications_mark_read(*, membership: Membership) -> int:
    """Mark every notification of the member read; returns how many were unread."""
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def identity_reveal(*, membership: Membership, case: Case, reason: str) -> Defender | None:
    """
    Record that a member opens the defender's identity, and why; return the defender to show.

    Permission: the caller checked Permission.CASE_REVEAL_IDENTITY and fetched the case with
    ``case_get``. Nothing stays revealed: the identity is shown in the response to this request
    only. Side effect: one ``case.identity_revealed`` event with the reveal's id (the reason is
    stored encrypted, never in the audit chain). Raises CaseError for a short reason.
    """
    from haven.cases.selectors import case_principal_defender

    _check_live(case)
    cleaned = _reason(reason)
    defender = case_principal_defender(case)
    with keyring_scope():
        reveal = IdentityReveal(
            case=case, organisation_id=case.organisation_id, recorded_by=membership.user
        )
        reveal.reason = cleaned
        reveal.save()
    record_event(
        EventType.IDENTITY_REVEALED,
        actor=membership.user,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"reveal_id": reveal.pk, "defender_id": defender.pk if defender else ""},
    )
    return defender


# Records: threats, prosecutions, dependants, consents, facts sections ----------------------

FACTS_INVALID = "These facts cannot be saved: {problems}"


def facts_problems(
    case: Case, *, document: Mapping[str, Any] | None = None, extra: Any = None
) -> list[tuple[str, str]]:
    """Return what is wrong with the case's facts once ``document`` and ``extra`` rows are applied."""
    from haven.cases.selectors import case_facts
    from haven.domain.facts import FactsError, parse_facts

    facts = case_facts(case, assessed_on=timezone.localdate())
    if document is not None:
        rebuilt = dict(document)
        for key in ("threats", "prosecutions"):
            if key in facts:
                rebuilt[key] = facts[key]
        dependants = facts.get("defender", {}).get("dependants")
        if dependants:
            rebuilt.setdefault("defender", {})["dependants"] = dependants
        rebuilt["assessed_on"] = facts["assessed_on"]
        facts = rebuilt
    if extra is not None:
        section, item = extra
        if section == "dependants":
            facts.setdefault("defender", {}).setdefault("dependants", []).append(item)
        else:
            facts.setdefault(section, []).append(item)
    try:
        parse_facts(facts)
    except FactsError as error:
        return list(error.problems)
    return []


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        text = "; ".join(f"{path}: {message}" for path, message in problems)
        raise CaseError(FACTS_INVALID.format(problems=text))


@transaction.atomic
def threat_record(
    *, actor: Any, case: Case, details: Mapping[str, Any], narrative: str | None = None
) -> Threat:
    """
    Add a threat or incident (case-facts threat fields, encrypted) with its encrypted narrative.

    The whole facts document is checked with the engines' parser first (schema and semantic
    checks: a threat dated after today, a response without a report, ...). Side effect: one
    ``case.threat_recorded`` event. Raises CaseError listing every problem; nothing is saved.
    """
    _check_live(case)
    item = dict(details)
    if narrative:
        item["note"] = narrative
    _raise_problems(facts_problems(case, extra=("threats", item)))
    with keyring_scope():
        threat = Threat(
            case=case,
            organisation_id=case.organisation_id,
            recorded_by=actor,
            details=dict(details),
            narrative=narrative or None,
        )
        threat.save()
    _touch(case)
    record_event(
        EventType.THREAT_RECORDED,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"threat_id": threat.pk},
    )
    return threat


def _fact_row_record(
    *,
    actor: Any,
    case: Case,
    details: Mapping[str, Any],
    model: type[Prosecution] | type[Dependant],
    facts_key: str,
    event_type: EventType,
) -> Any:
    """Check ``details`` as one more entry of ``facts[facts_key]``, store it encrypted, audit it."""
    _check_live(case)
    _raise_problems(facts_problems(case, extra=(facts_key, dict(details))))
    with keyring_scope():
        row = model(
            case=case,
            organisation_id=case.organisation_id,
            recorded_by=actor,
            details=dict(details),
        )
        row.save()
    _touch(case)
    record_event(
        event_type,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={f"{model._meta.model_name}_id": row.pk},
    )
    return row


@transaction.atomic
def prosecution_record(*, actor: Any, case: Case, details: Mapping[str, Any]) -> Prosecution:
    """Add a prosecution (checked like a threat). Side effect: ``case.prosecution_recorded``."""
    row: Prosecution = _fact_row_record(
        actor=actor,
        case=case,
        details=details,
        model=Prosecution,
        facts_key="prosecutions",
        event_type=EventType.PROSECUTION_RECORDED,
    )
    return row


@transaction.atomic
def dependant_record(*, actor: Any, case: Case, details: Mapping[str, Any]) -> Dependant:
    """Add a dependant (checked like a threat). Side effect: ``case.dependant_recorded``."""
    row: Dependant = _fact_row_record(
        actor=actor,
        case=case,
        details=details,
        model=Dependant,
        facts_key="dependants",
        event_type=EventType.DEPENDANT_RECORDED,
    )
    return row


CONSENT_ALREADY_WITHDRAWN = "This consent was already withdrawn."


@transaction.atomic
def consent_record(
    *, actor: Any, case: Case, purpose: str, given_on: datetime.date, scope: str
) -> Consent:
    """
    Record what the defender agreed to, when and for what purpose (encrypted).

    Side effect: one ``case.consent_recorded`` event with the consent's id (the purpose is not in
    the chain: an asylum referral is itself sensitive).
    """
    _check_live(case)
    if purpose not in ConsentPurpose.values:
        raise CaseError(UNKNOWN_CONSENT_PURPOSE)
    if given_on > timezone.localdate():
        raise CaseError(CONSENT_IN_FUTURE)
    with keyring_scope():
        consent = Consent(case=case, organisation_id=case.organisation_id, recorded_by=actor)
        consent.details = {"purpose": purpose, "given_on": given_on.isoformat(), "scope": scope}
        consent.save()
    _touch(case)
    record_event(
        EventType.CONSENT_RECORDED,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"consent_id": consent.pk},
    )
    return consent


UNKNOWN_CONSENT_PURPOSE = "That consent purpose is not one Haven knows."
CONSENT_IN_FUTURE = "Consent cannot be dated in the future."


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    """Mark a consent withdrawn (kept, for the record). Side effect: ``case.consent_withdrawn``."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise CaseError(CONSENT_ALREADY_WITHDRAWN)
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    record_event(
        EventType.CONSENT_WITHDRAWN,
        actor=actor,
        organisation=locked.organisation_id,
        object_type="case",
        object_id=locked.case_id,
        data={"consent_id": locked.pk},
    )
    return locked


@transaction.atomic
def facts_section_update(
    *, actor: Any, case: Case, section: str, values: Mapping[str, Any]
) -> Case:
    """
    Replace one section of the case's own facts document (defender profile, context, claim,
    relocation, or the vulnerability and capacity lists) and check the whole facts.

    Side effect: one ``case.updated`` event naming the section. Raises CaseError listing every
    problem the engines' parser finds; nothing is saved then.
    """
    _check_live(case)
    document = dict(case.facts or {"schema": "haven.case-facts/1"})
    if section == "exposure":
        for key in ("vulnerabilities", "capacities"):
            if values.get(key):
                document[key] = list(values[key])
            else:
                document.pop(key, None)
    else:
        kept = {}
        if section == "defender":
            kept = {"dependants": document.get("defender", {}).get("dependants")}
        new_section = {key: value for key, value in values.items() if value is not None}
        new_section.update({key: value for key, value in kept.items() if value})
        if new_section:
            document[section] = new_section
        else:
            document.pop(section, None)
    _raise_problems(facts_problems(case, document=document))
    with keyring_scope():
        case.facts = document
        case.updated_at = timezone.now()
        case.save()
    record_event(
        EventType.CASE_UPDATED,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"fields": ["facts"], "section": section},
    )
    return case


@transaction.atomic
def case_settings_update(
    *, actor: Any, case: Case, urgency: str, next_due_on: datetime.date | None
) -> Case:
    """Change a case's urgency and next due date (plain columns). Side effect: ``case.updated``."""
    _check_live(case)
    if urgency not in Urgency.values:
        raise CaseError(UNKNOWN_URGENCY)
    Case.objects.filter(pk=case.pk).update(
        urgency=urgency,
        urgency_rank=URGENCY_RANK[Urgency(urgency)],
        next_due_on=next_due_on,
        updated_at=timezone.now(),
    )
    case.urgency, case.next_due_on = urgency, next_due_on
    record_event(
        EventType.CASE_UPDATED,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"fields": ["urgency", "next_due_on"], "urgency": urgency},
    )
    return case


# Lifecycle -----------------------------------------------------------------------------------

# Requirements Haven can see in the records; all others are confirmed by the member making the move.
DERIVED_REQUIREMENTS = {
    "intake_recorded",
    "consent_to_processing_recorded",
    "consent_to_share_with_programme",
    "asylum_referral_consent_recorded",
    "risk_assessment_recorded",
    "protection_assessment_recorded",
    "new_threat_recorded",
}


def derived_requirements(case: Case, *, records: Any = None) -> set[str]:
    """
    Return the requirements the case's records show to be met; ``records`` (a
    ``selectors.CaseRecords``) saves reading them again.
    """
    if records is not None:
        return _derived_from(case, records.consents, records.assessments, records.threats)
    latest = Assessment.objects.filter(case=case).order_by("-recorded_at")[:1]
    newer_threats = (
        list(Threat.objects.filter(case=case, recorded_at__gt=latest[0].recorded_at)[:1])
        if latest
        else []
    )
    consents = list(Consent.objects.filter(case=case, withdrawn_at__isnull=True))
    return _derived_from(case, consents, list(latest), newer_threats)


def _derived_from(
    case: Case, consents: list[Consent], assessments: list[Assessment], threats: list[Threat]
) -> set[str]:
    met: set[str] = set()
    if case.status != CaseStatus.ERASED:
        met.add("intake_recorded")  # every live case was opened with its defender's intake
    purposes = {
        consent.details.get("purpose")
        for consent in consents
        if consent.withdrawn_at is None and consent.details
    }
    if ConsentPurpose.PROCESSING in purposes:
        met.add("consent_to_processing_recorded")
    if ConsentPurpose.SHARE_WITH_PROGRAMME in purposes:
        met.add("consent_to_share_with_programme")
    if ConsentPurpose.ASYLUM_REFERRAL in purposes:
        met.add("asylum_referral_consent_recorded")
    if assessments:
        latest = max(assessment.recorded_at for assessment in assessments)
        met.update({"risk_assessment_recorded", "protection_assessment_recorded"})
        if any(threat.recorded_at > latest for threat in threats):
            met.add("new_threat_recorded")
    return met


@transaction.atomic
def case_transition(
    *,
    membership: Membership,
    case: Case,
    target: str,
    confirmed: list[str],
    reason: str = "",
) -> StatusChange:
    """
    Move a case to ``target`` if the lifecycle machine allows it for this member's role now.

    Requirements the records show are derived here; the rest must be in ``confirmed`` (the member
    attests them). The case row is locked, so a double submit finds the case already moved and is
    refused. Erasure is not a move made here (it has its own four-eyes service). Side effect: one
    ``case.status_changed`` event. Raises CaseError with the machine's reasons.
    """
    from haven.domain.lifecycle import CASE_MACHINE, TransitionError
    from haven.domain.lifecycle import CaseStatus as Lifecycle

    locked = Case.objects.select_for_update().get(pk=case.pk)
    if target == CaseStatus.ERASED:
        raise CaseError(ERASE_THROUGH_ERASURE)
    derived = derived_requirements(locked)
    confirmed_only = sorted(set(confirmed) - DERIVED_REQUIREMENTS)
    try:
        source = Lifecycle(locked.status)
        CASE_MACHINE.transition(
            source,
            Lifecycle(target),
            role=membership.role,
            satisfied=derived | set(confirmed_only),
        )
    except ValueError as error:
        message = error.message if isinstance(error, TransitionError) else str(error)
        raise CaseError(message) from None
    with keyring_scope():
        change = StatusChange(
            case=locked,
            organisation_id=locked.organisation_id,
            recorded_by=membership.user,
            from_status=locked.status,
            to_status=target,
            confirmed=confirmed_only,
            reason=reason.strip() or None,
        )
        change.save()
    Case.objects.filter(pk=case.pk).update(status=target, updated_at=timezone.now())
    case.status = target
    record_event(
        EventType.CASE_STATUS_CHANGED,
        actor=membership.user,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"from": change.from_status, "to": target, "confirmed": confirmed_only},
    )
    return change


ERASE_THROUGH_ERASURE = "Erasure needs a request and a second coordinator's approval, not a move."


# Assessments ---------------------------------------------------------------------------------

UNKNOWN_RISK_LEVEL = "A risk level must be low, medium, high or critical."


@transaction.atomic
def assessment_run(
    *,
    membership: Membership,
    case: Case,
    staff_risk_level: str,
    defender_risk_level: str | None,
    staff_decision: str,
) -> Assessment:
    """
    Build the case facts from the records, run every engine, and store input, output and
    ``engine_version`` beside the staff's decision and the defender's own view of their risk.

    The defender's view given here is written into the facts the engines read (``own_risk_level``)
    so the stored input is exactly what produced the output. Side effects: one
    ``case.assessment_recorded`` event; the case's ``risk_views_diverge`` flag is refreshed for the
    dashboard. Raises CaseError when the facts do not pass the engines' checks.
    """
    from haven.cases.selectors import case_facts
    from haven.domain.assessment import assess
    from haven.domain.facts import FactsError, parse_facts
    from haven.domain.risk import LEVELS
    from haven.reference import civicus_ratings, seed_programmes

    _check_live(case)
    if staff_risk_level not in LEVELS or (
        defender_risk_level is not None and defender_risk_level not in LEVELS
    ):
        raise CaseError(UNKNOWN_RISK_LEVEL)
    with keyring_scope():
        facts = case_facts(case, assessed_on=timezone.localdate())
        if defender_risk_level:
            facts.setdefault("defender", {})["own_risk_level"] = defender_risk_level
        try:
            parsed = parse_facts(facts)
        except FactsError as error:
            _raise_problems(list(error.problems))
            raise
        output = assess(
            parsed,
            programmes=seed_programmes(),
            staff_risk_level=staff_risk_level,
            civic_space_ratings=civicus_ratings(),
        )
        diverge = any("divergence" in view for view in output.get("risk_views", []))
        assessment = Assessment(
            case=case,
            organisation_id=case.organisation_id,
            recorded_by=membership.user,
            engine_version=output["engine_version"],
            facts_input=facts,
            output=output,
            staff_risk_level=staff_risk_level,
            defender_risk_level=facts.get("defender", {}).get("own_risk_level"),
            staff_decision=staff_decision.strip() or None,
            views_diverge=diverge,
        )
        assessment.save()
    Case.objects.filter(pk=case.pk).update(risk_views_diverge=diverge, updated_at=timezone.now())
    case.risk_views_diverge = diverge
    record_event(
        EventType.ASSESSMENT_RECORDED,
        actor=membership.user,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={
            "assessment_id": assessment.pk,
            "engine_version": assessment.engine_version,
            "views_diverge": diverge,
        },
    )
    return assessment


# Attachments ---------------------------------------------------------------------------------

ATTACHMENTS_PER_CASE = 100
TOO_MANY_ATTACHMENTS = "This case already has {limit} files, the limit."


def attachment_add(*, actor: Any, case: Case, name: str, data: bytes) -> Attachment:
    """
    Clean an uploaded file (``haven.uploads.sanitise``), encrypt it under its own key wrapped by
    the case key, and store it under a random name (UPL-02, UPL-04, UPL-05).

    Side effect: one ``case.attachment_added`` event with the attachment id, size and the SHA-256
    of the file as received. Raises ``UploadRejected`` (after a ``case.attachment_rejected``
    event, written even though nothing else is) or CaseError past the per-case limit.
    """
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from haven.uploads import UploadRejected, sanitise
    from haven.vault.files import attachment_key_create, file_aad, seal_stream

    _check_live(case)
    if Attachment.objects.filter(case=case).count() >= ATTACHMENTS_PER_CASE:
        raise CaseError(TOO_MANY_ATTACHMENTS.format(limit=ATTACHMENTS_PER_CASE))
    try:
        cleaned = sanitise(data, name)
    except UploadRejected as rejected:
        with transaction.atomic():
            _record_rejection(actor=actor, case=case, code=str(rejected.code))
        raise
    with transaction.atomic(), keyring_scope() as ring:
        attachment = Attachment(
            case=case,
            organisation_id=case.organisation_id,
            recorded_by=actor,
            media_type=cleaned.media_type,
            size=len(cleaned.content),
            original_sha256=cleaned.original_sha256,
            storage_name=f"attachments/{uuid.uuid4()}",
        )
        stem = name.rsplit(".", 1)[0][:200] or "file"
        attachment.name = f"{stem}.{cleaned.extension}"
        cipher, wrapped = attachment_key_create(ring, case.vault_key_ref(), attachment.pk)
        attachment.wrapped_key = wrapped
        sealed = io.BytesIO()
        seal_stream(
            cipher,
            io.BytesIO(cleaned.content),
            sealed,
            file_aad(case.vault_key_ref(), attachment.pk),
        )
        attachment.storage_name = default_storage.save(
            attachment.storage_name, ContentFile(sealed.getvalue())
        )
        attachment.save()
    record_event(
        EventType.ATTACHMENT_ADDED,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={
            "attachment_id": attachment.pk,
            "bytes": attachment.size,
            "original_sha256": cleaned.original_sha256,
        },
    )
    return attachment


def _record_rejection(*, actor: Any, case: Case, code: str) -> None:
    """Write the refusal's audit event; nothing else of the refused file is kept."""
    record_event(
        EventType.ATTACHMENT_REJECTED,
        actor=actor,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"reason": code},
    )


def attachment_read(*, actor: Any, attachment: Attachment) -> bytes:
    """
    Decrypt a stored attachment for download. Side effect: one ``case.attachment_downloaded``
    event. Raises DecryptionFailedError for a file changed on disk.
    """
    import io

    from django.core.files.storage import default_storage

    from haven.vault.files import attachment_key_open, file_aad, open_stream

    case = attachment.case
    with transaction.atomic(), keyring_scope() as ring:
        cipher = attachment_key_open(
            ring, case.vault_key_ref(), attachment.pk, bytes(attachment.wrapped_key)
        )
        plain = io.BytesIO()
        with default_storage.open(attachment.storage_name, "rb") as stored:
            open_stream(
                cipher,
                stored,  # type: ignore[arg-type]  # a File reads like a binary stream
                plain,
                file_aad(case.vault_key_ref(), attachment.pk),
            )
        record_event(
            EventType.ATTACHMENT_DOWNLOADED,
            actor=actor,
            organisation=case.organisation_id,
            object_type="case",
            object_id=case.pk,
            data={"attachment_id": attachment.pk},
        )
    return plain.getvalue()


# Intake --------------------------------------------------------------------------------------


@transaction.atomic
def case_intake(
    *,
    membership: Membership,
    identity: Mapping[str, Any],
    facts: Mapping[str, Any],
    urgency: str,
    consent_scope: str | None,
) -> Case:
    """
    Take in a new defender from the staff intake form: open the case, put the member who took it
    on its access list, and record the consent to processing when the defender gave it.

    Permission: the caller checked Permission.CASE_OPEN. Side effects: ``case.opened``,
    ``case.assigned`` and, with consent, ``case.consent_recorded``. Raises CaseError (nothing
    saved) for an incomplete identity or facts that fail the engines' checks.
    """
    from haven.domain.facts import FactsError, parse_facts

    checked = dict(facts)
    checked["assessed_on"] = timezone.localdate().isoformat()
    try:
        parse_facts(checked)
    except FactsError as error:
        _raise_problems(list(error.problems))
    case = case_open(
        organisation=membership.organisation,
        actor=membership.user,
        identity=identity,
        facts=facts,
        urgency=urgency,
    )
    case_assign(actor=membership.user, case=case, membership=membership)
    if consent_scope is not None:
        consent_record(
            actor=membership.user,
            case=case,
            purpose=ConsentPurpose.PROCESSING,
            given_on=timezone.localdate(),
            scope=consent_scope,
        )
    return case


# Double submits ------------------------------------------------------------------------------

ALREADY_SUBMITTED = "This form was already sent and saved once; it was not saved again."


class DuplicateSubmissionError(CaseError):
    """A form's one-time token was used before; ``case_id`` names what the first submit made."""

    def __init__(self, case_id: Any) -> None:
        super().__init__(ALREADY_SUBMITTED)
        self.case_id = case_id


def form_receipt_claim(*, token: uuid.UUID, case: Case | None = None) -> FormReceipt:
    """
    Claim a form's one-time token inside the caller's transaction.

    The caller claims first and saves after, in one transaction: if saving fails the claim is
    rolled back with it, so the form can be sent again. Raises DuplicateSubmissionError when the
    token was already used.
    """
    existing = FormReceipt.objects.filter(pk=token).first()
    if existing is not None:
        raise DuplicateSubmissionError(existing.case_id)
    try:
        with transaction.atomic():
            return FormReceipt.objects.create(token=token, case=case)
    except IntegrityError:
        raise DuplicateSubmissionError(None) from None


@transaction.atomic
def case_viewed(*, membership: Membership, case: Case, by_break_glass: bool) -> None:
    """
    Record that a member opened a case page, so bulk browsing by an insider shows in the audit
    log (T3). Side effect: one ``case.viewed`` event saying whether access came by break-glass.
    """
    record_event(
        EventType.CASE_VIEWED,
        actor=membership.user,
        organisation=case.organisation_id,
        object_type="case",
        object_id=case.pk,
        data={"break_glass": by_break_glass},
    )
