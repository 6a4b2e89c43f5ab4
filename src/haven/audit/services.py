"""Writing audit events. Every service in Haven calls ``record_event`` inside its own transaction."""

import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Field, Q
from django.db.models.signals import post_save, pre_save
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery
from django.utils import timezone

from haven.audit import keys
from haven.audit.chain import GENESIS_HASH, event_content, keyed_link_hash
from haven.audit.events import EventType
from haven.audit.models import AuditEvent, ChainHead
from haven.audit.verification import verify_chain

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
    actor: AbstractBaseUser | uuid.UUID | None = None,
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
    fields: dict[str, Any] = {
        "event_type": EventType(event_type).value,
        "actor_id": actor_id,
        "organisation_id": organisation_id,
        "object_type": object_type,
        "object_id": object_ref,
        "data": checked,
    }
    secret = keys.current_secret()
    ahead = _head_read_ahead.get()
    _head_read_ahead.set(None)
    if _appends_alone():
        riding = _riding.get()
        if ahead is not None and riding is not None and not riding:
            event = _following(ahead, secret, fields)
            riding.append(_Riding(event, _unless_moved_statement(event), secret, fields))
            return event
        head = ahead or _head()
        if head is not None:
            event = _following(head, secret, fields)
            if _write_unless_moved(event):
                return event
    return _append_locked(secret, fields)


def _append_locked(secret: keys.AuditSecret, fields: Mapping[str, Any]) -> AuditEvent:
    """Append the event of ``fields`` after the head read under its lock, in a transaction."""
    with transaction.atomic():
        event = _following(_locked_head(), secret, fields)
        _write(event)
    return event


def _following(
    head: tuple[int, str], secret: keys.AuditSecret, fields: Mapping[str, Any]
) -> AuditEvent:
    """The event of ``fields``, linked to the chain whose head's ``seq`` and hash are ``head``."""
    head_seq, head_hash = head
    event = AuditEvent(
        seq=head_seq + 1,
        occurred_at=timezone.now(),
        prev_hash=head_hash,
        key_id=secret.key_id,
        **fields,
    )
    event.hash = keyed_link_hash(
        keys.mac_key(secret), secret.key_id, head_hash, event_content(event)
    )
    return event


def _appends_alone() -> bool:
    """
    Whether the event may be appended by one statement of its own, committed as it runs
    (``_write_unless_moved``): on PostgreSQL, outside any transaction, with the compiled insert.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    if not connection.get_autocommit():
        return False
    return _unless_moved_sql() is not None and not (
        pre_save.has_listeners(AuditEvent) or post_save.has_listeners(AuditEvent)
    )


#: The chain head as a read sent together with others found it (``head_read_ahead``), for the
#: next event appended alone to follow instead of reading the head again: one use, then forgotten.
_head_read_ahead: ContextVar[tuple[int, str] | None] = ContextVar(
    "haven_audit_head_read_ahead", default=None
)


def head_read_ahead(head: ChainHead | None) -> None:
    """
    Keep ``head``, the chain head as a page's reads found it just now, for the event the page is
    about to record (issue 17): on PostgreSQL the case page reads it in the same round trip as
    the case's records, sparing the event's own read. The head is only a guess, never trusted:
    the event's statement moves the head only if it is still this one (``_write_unless_moved``),
    and otherwise the locked path runs; so a head that moved meanwhile costs time, never a link.
    """
    _head_read_ahead.set(None if head is None else (int(head.seq), str(head.hash)))


#: The chain head's read without a lock, ``SELECT seq, hash ... WHERE id = 1``: compiled once.
_HEAD_PEEK: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _head() -> tuple[int, str] | None:
    """The chain head's sequence number and hash as last committed, or None before the first."""
    row = _head_row(_HEAD_PEEK, locked=False)
    return None if row is None else (int(row[0]), str(row[1]))


def _head_row(
    compiled: dict[str, tuple[str, tuple[Any, ...]]], *, locked: bool
) -> tuple[Any, ...] | None:
    """
    The chain head's ``seq`` and ``hash`` (its row locked when ``locked``), with the read's SQL
    compiled once per process and database vendor into ``compiled``.
    """
    if connection.vendor not in compiled:
        heads = ChainHead.objects.select_for_update() if locked else ChainHead.objects.all()
        query = heads.filter(id=1).values_list("seq", "hash")
        sql, params = query.query.get_compiler(connection=connection).as_sql()
        compiled[connection.vendor] = (sql, tuple(params))
    sql, params = compiled[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


#: ``_write_unless_moved``'s statement, by database vendor (None where there is none).
_UNLESS_MOVED: dict[str, str | None] = {}


def _unless_moved_sql() -> str | None:
    """
    On PostgreSQL: move the chain head to the event only if the head is still the one the event
    follows (its parameters the event's ``seq``, ``hash`` and ``key_id``, 1, then the head's
    ``seq`` and ``hash`` it follows), and insert the event only if the head moved (then the
    event's columns, as the compiled insert takes them), returning the event's id.
    """
    if connection.vendor not in _UNLESS_MOVED:
        sql = None
        compiled = _compiled_insert(AuditEvent(data={}))
        if compiled is not None and compiled.moves_head:
            quote = connection.ops.quote_name
            head, insert = compiled.sql.split(") INSERT INTO ", 1)
            columns, values_returning = insert.split(" VALUES (", 1)
            values, returning = values_returning.split(") RETURNING ", 1)
            expected = ", ".join(["%s"] * len(compiled.fields))
            if values != expected or not head.startswith("WITH "):
                raise RuntimeError(f"Unexpected SQL for an audit event's insert: {compiled.sql}")
            # Only the ORM's compiled SQL and quoted names: every value is a parameter.
            sql = (
                f"{head} AND {quote('seq')} = %s AND {quote('hash')} = %s "  # noqa: S608
                f"RETURNING {quote('id')}) "
                f"INSERT INTO {columns} SELECT {values} FROM {quote('moved_head')} "
                f"RETURNING {returning}"
            )
        _UNLESS_MOVED[connection.vendor] = sql
    return _UNLESS_MOVED[connection.vendor]


def _write_unless_moved(event: AuditEvent) -> bool:
    """
    Append ``event`` and move the chain head to it in one statement, committed as it runs, if
    the head is still the one the event follows; return whether it was (issue 17).

    The locked path (``_locked_head``, ``_write``) costs four round trips: ``BEGIN``, the head's
    locking read, the insert, ``COMMIT``. Here the head is read without a lock, then this one
    statement, its own transaction, moves the head only where its ``seq`` and ``hash`` are still
    those the event follows and inserts the event only if it did: two trips. Should another
    process have appended meanwhile, its update holds the head's row until it commits, this one
    then finds the head moved and changes nothing, and the caller takes the locked path. Either
    way the chain stays gapless and each event's ``prev_hash`` is its predecessor's hash (AUD-02),
    and the event is committed before ``record_event`` returns.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_unless_moved_statement(event))
        row = cursor.fetchone()
    return _appended(event, row)


def _unless_moved_statement(event: AuditEvent) -> tuple[str, list[Any]]:
    """``_write_unless_moved``'s statement for ``event``: its SQL and parameters."""
    compiled = _compiled_insert(event)
    sql = _unless_moved_sql()
    assert compiled is not None
    assert sql is not None
    params = [
        *_head_move_params(event),
        event.seq - 1,
        event.prev_hash,
        *(
            field.get_db_prep_save(field.pre_save(event, True), connection=connection)
            for field in compiled.fields
        ),
    ]
    return sql, params


def _appended(event: AuditEvent, row: Any) -> bool:
    """Whether the statement's ``row`` says ``event`` was appended (its id) or the head moved."""
    if row is None:
        return False
    (event.pk,) = row
    event._state.adding = False
    event._state.db = connection.alias
    return True


@dataclass
class _Riding:
    """An event whose append waits for the next reads sent together (``appends_riding``)."""

    event: AuditEvent
    statement: tuple[str, list[Any]]
    secret: keys.AuditSecret
    fields: Mapping[str, Any]


#: The events waiting to ride with the next reads (``appends_riding``); None outside one.
_riding: ContextVar[list[_Riding] | None] = ContextVar("haven_audit_riding", default=None)


@contextmanager
def appends_riding() -> Iterator[None]:
    """
    Within the block, the next event appended alone (``_write_unless_moved``) whose head was read
    ahead is not sent at once: its one statement goes last in the next reads sent together
    (``haven.accounts.round_trips.read_together``), sparing the case page a round trip (issue 17).
    The statement is unchanged, and it is committed with that round trip's end, before the reads'
    rows come back; a head that moved meanwhile takes the locked path there and then. Should no
    reads be sent, the event is appended alone when the block ends; should the block fail first,
    the event is not written, as when the page failed before recording it.

    Only the page that asks may leave its event waiting: it sends its reads next and renders
    nothing before the block ends (AUD-01, the event committed before the page is sent).
    """
    waiting: list[_Riding] = []
    token = _riding.set(waiting)
    try:
        yield
    finally:
        _riding.reset(token)
    while waiting:
        riding = waiting.pop()
        if not _write_unless_moved(riding.event):
            _append_locked(riding.secret, riding.fields)


def riding_append() -> tuple[str, list[Any]] | None:
    """The statement of the event waiting to ride with reads about to be sent, if one is."""
    waiting = _riding.get()
    return waiting[0].statement if waiting else None


def riding_appended(row: Any) -> None:
    """
    ``riding_append``'s statement ran, its committed answer ``row``: the event was appended, or
    the head had moved and it is appended now on the locked path. Either way it waits no more.
    """
    waiting = _riding.get()
    assert waiting
    riding = waiting.pop()
    if not _appended(riding.event, row):
        _append_locked(riding.secret, riding.fields)


#: The chain head's locking read, ``SELECT seq, hash ... WHERE id = 1 FOR UPDATE`` where the
#: database has row locks, by database vendor: its SQL and parameters never change, so the ORM
#: builds and compiles it once per process instead of on every event (every case page writes one).
_HEAD_READ: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _locked_head() -> tuple[int, str]:
    """
    The chain head's sequence number and hash, its row locked until the transaction ends, so
    appends from other processes wait and ``seq`` stays gapless; the head row is created, with
    the genesis hash, before the first event. Must run inside ``transaction.atomic()``.
    """
    row = _head_row(_HEAD_READ, locked=True)
    if row is None:
        head, _created = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        return head.seq, head.hash
    return int(row[0]), str(row[1])


#: The head's move, ``UPDATE ... SET seq, hash, key_id WHERE id = 1``, by database vendor:
#: compiled once per process like the head's read (the three values are plain numbers and text,
#: passed to the database as they are).
_HEAD_MOVE: dict[str, str] = {}


def _head_move_sql() -> str:
    """The head's move, its parameters the event's ``seq``, ``hash`` and ``key_id``, then 1."""
    if connection.vendor not in _HEAD_MOVE:
        query = UpdateQuery(ChainHead)
        query.add_q(Q(id=1))
        query.add_update_values({"seq": -1, "hash": "hash", "key_id": "key_id"})
        sql, params = query.get_compiler(connection=connection).as_sql()
        if tuple(params) != (-1, "hash", "key_id", 1):
            raise RuntimeError(f"Unexpected parameters for the chain head's update: {params!r}")
        _HEAD_MOVE[connection.vendor] = sql
    return _HEAD_MOVE[connection.vendor]


def _head_move_params(event: AuditEvent) -> tuple[Any, ...]:
    return (event.seq, event.hash, event.key_id, 1)


def _move_head(event: AuditEvent) -> None:
    """Point the chain head, whose row ``_locked_head`` locked, at ``event``."""
    with connection.cursor() as cursor:
        cursor.execute(_head_move_sql(), _head_move_params(event))


@dataclass(frozen=True)
class _CompiledInsert:
    """An event's ``INSERT ... RETURNING`` its id: the SQL, and the columns it takes in order."""

    sql: str
    fields: tuple[Field[Any, Any], ...]
    #: Whether the SQL also moves the chain head (PostgreSQL: the move is a ``WITH`` of the
    #: insert, so one statement, and one round trip, does both), its parameters first.
    moves_head: bool


#: The event's insert, by database vendor: the ORM compiles it once per process, as it would
#: compile it again for every event (every case page writes one). Each value is still prepared
#: for the database by its own field, as ``Model.save`` prepares it.
_EVENT_INSERT: dict[str, _CompiledInsert | None] = {}


def _compiled_insert(event: AuditEvent) -> _CompiledInsert | None:
    """The compiled insert, or None where the database cannot return the new row's id with it."""
    if connection.vendor not in _EVENT_INSERT:
        compiled = None
        if connection.features.can_return_columns_from_insert:
            meta = AuditEvent._meta
            fields = tuple(field for field in meta.local_concrete_fields if field is not meta.pk)
            query = InsertQuery(AuditEvent)
            query.insert_values(fields, [event])
            compiler = query.get_compiler(connection=connection)
            compiler.returning_fields = [meta.pk]
            ((sql, params),) = compiler.as_sql()
            if len(params) != len(fields):
                raise RuntimeError(f"Unexpected parameters for an audit event's insert: {params!r}")
            # PostgreSQL runs a data-modifying WITH once, whether or not the insert reads it.
            moves_head = connection.vendor == "postgresql"
            if moves_head:
                sql = (
                    f"WITH {connection.ops.quote_name('moved_head')} AS ({_head_move_sql()}) {sql}"
                )
            compiled = _CompiledInsert(sql=sql, fields=fields, moves_head=moves_head)
        _EVENT_INSERT[connection.vendor] = compiled
    return _EVENT_INSERT[connection.vendor]


def _write(event: AuditEvent) -> None:
    """
    Write ``event``, a new row, as ``event.save(force_insert=True)`` writes it (the same columns
    and values, its id read back), and move the chain head to it. The model's save signals have
    no receivers; should one be connected, or the database return no id, ``save`` writes it,
    signals and all.
    """
    compiled = _compiled_insert(event)
    if (
        compiled is None
        or pre_save.has_listeners(AuditEvent)
        or post_save.has_listeners(AuditEvent)
    ):
        event.save(force_insert=True)
        _move_head(event)
        return
    params = [
        field.get_db_prep_save(field.pre_save(event, True), connection=connection)
        for field in compiled.fields
    ]
    if compiled.moves_head:
        params[:0] = _head_move_params(event)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        (event.pk,) = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias
    if not compiled.moves_head:
        _move_head(event)


class ChainBrokenError(Exception):
    """The chain fails verification, so it must not be anchored or checkpointed."""


CANNOT_ANCHOR = "The audit chain cannot be sealed: {problem}."


def anchor_chain() -> AuditEvent | None:
    """
    Vouch, under the current key, for every event that cannot be checked with a configured key.

    Events written before the chain was keyed, and events sealed under a master key that is about
    to be retired, are verified as they stand (unkeyed hash, or the old key while it is still
    configured); then one ``audit.chain_anchored`` event records the unkeyed content digest of
    everything before it. Its own HMAC protects that digest, so the older events stay verifiable
    after the old key is gone, without rewriting a single row (the table is append-only, AUD-03).
    Returns None when nothing needed anchoring. Raises ChainBrokenError if the chain is broken or
    holds events under a key that is not configured.
    """
    with transaction.atomic():
        ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        report = verify_chain()
        if report.intact and not _has_retiring_keys():
            return None
        if not report.intact and (not report.unanchored_only or report.unknown_key_seq):
            raise ChainBrokenError(CANNOT_ANCHOR.format(problem=report.problem))
        return record_event(
            EventType.CHAIN_ANCHORED,
            object_type="audit_chain",
            object_id=str(report.checked),
            data={"through": report.checked, "digest": report.digest},
        )


def _has_retiring_keys() -> bool:
    """True when events since the last anchor were sealed with a key other than the current one."""
    current = keys.current_secret().key_id
    last_anchor = (
        AuditEvent.objects.filter(event_type=EventType.CHAIN_ANCHORED, key_id=current)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return AuditEvent.objects.filter(seq__gt=last_anchor or 0).exclude(key_id=current).exists()
