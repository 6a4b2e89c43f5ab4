"""Writing audit events. Every service in Haven calls ``record_event`` inside its own transaction."""

import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.audit.chain import GENESIS_HASH, canonical_content, link_hash
from haven.audit.events import EventType
from haven.audit.models import AuditEvent, ChainHead

# An event may carry identifiers, numbers, booleans and enumerated words, nothing a person typed.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:@/+=-]{0,100}$")

NOT_AN_IDENTIFIER = (
    "Audit data may hold only identifiers, numbers and enumerated values; {key!r} holds free text."
)


class AuditDataError(ValueError):
    """Raised when a caller tries to put free text or an unsupported value into an audit event."""


def _checked(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        if _TOKEN.match(value):
            return value
        raise AuditDataError(NOT_AN_IDENTIFIER.format(key=key))
    if isinstance(value, list | tuple):
        return [_checked(key, item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _checked(f"{key}.{k}", v) for k, v in value.items()}
    raise AuditDataError(NOT_AN_IDENTIFIER.format(key=key))


def _identifier(value: Any) -> str | None:
    if value is None:
        return None
    for attribute in ("public_id", "pk"):
        candidate = getattr(value, attribute, None)
        if isinstance(candidate, uuid.UUID):
            return str(candidate)
    return str(uuid.UUID(str(value)))


def record_event(
    event_type: EventType,
    *,
    actor: Any = None,
    organisation: Any = None,
    object_type: str = "",
    object_id: Any = "",
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """
    Append one event to the chain and return it.

    ``actor`` is a user (its ``public_id`` is stored) or a UUID; ``organisation`` an Organisation or
    its UUID; ``object_id`` a UUID or a short identifier. Runs in the caller's transaction (opening
    one if there is none), so the event is written if and only if the change it records is.
    Raises ``AuditDataError`` if ``data`` holds anything but identifiers and enumerated values.
    """
    checked = _checked("data", dict(data or {}))
    object_ref = str(object_id) if object_id is not None else ""
    if object_ref and not _TOKEN.match(object_ref):
        raise AuditDataError(NOT_AN_IDENTIFIER.format(key="object_id"))
    actor_id = _identifier(actor)
    organisation_id = _identifier(organisation)
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            event_type=EventType(event_type).value,
            actor_id=actor_id,
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=object_ref,
            data=checked,
            prev_hash=head.hash,
        )
        event.hash = link_hash(
            head.hash,
            canonical_content(
                seq=event.seq,
                occurred_at=event.occurred_at,
                event_type=event.event_type,
                actor_id=actor_id,
                organisation_id=organisation_id,
                object_type=event.object_type,
                object_id=event.object_id,
                data=event.data,
            ),
        )
        event.save(force_insert=True)
        head.seq = event.seq
        head.hash = event.hash
        head.save(update_fields=["seq", "hash"])
    return event
