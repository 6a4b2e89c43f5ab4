"""
Unwrapping keys, and keeping them for the length of one request or operation.

A ``KeyRing`` opens organisation keys with the master key and data keys with organisation keys,
and caches what it opened in process memory. One key ring lives for one request (see
``haven.vault.middleware``) or one command (``keyring_scope``); it is never pickled into a session
or a cache backend, and closing the scope drops every key it held. ``prefetch`` opens the data
keys of a whole list page in one query instead of one per row.
"""

import contextlib
import contextvars
import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.organisations.models import Organisation
from haven.vault import aead
from haven.vault.errors import KeyDestroyedError, KeyNotFoundError, UnknownMasterKeyError
from haven.vault.masterkey import MasterKey, configured_master_keys
from haven.vault.models import DataKey, KeyPurpose, KeyState, OrganisationKey

logger = logging.getLogger("haven.vault")

SYSTEM_OWNER = "system"

ERASED = (
    "This record was erased: its data key was destroyed, so its encrypted fields can no longer "
    "be read."
)
NO_DATA_KEY = "No data key exists for this {owner_type}; it must be created before writing."
OTHER_ORGANISATION = "The data key of this {owner_type} belongs to another organisation."
NO_ORGANISATION_KEY = "Organisation key v{version} ({purpose}) does not exist or was destroyed."
MASTER_NOT_LOADED = (
    "An organisation key is wrapped under master key {key_id}, which is not loaded. "
    "Configure that master key (HAVEN_MASTER_KEY_FILE) or finish `haven keys rotate-master`."
)


@dataclass(frozen=True, slots=True)
class KeyRef:
    """
    Which data key encrypts a record: its organisation and the key's owner (e.g. a case).

    ``preloaded`` may carry the owner's ``DataKey`` row when a query already fetched it
    (``select_related("data_key__organisation_key")``), which saves the key ring a query.
    """

    organisation_id: Any  # a UUID, or None for system secrets
    owner_type: str
    owner_id: Any
    preloaded: Any = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def system(cls) -> "KeyRef":
        """The reference for organisation-less system secrets (TOTP seeds and the like)."""
        return cls(None, SYSTEM_OWNER, None)


def preloaded_relation(instance: Any, *path: str) -> Any:
    """
    Follow ``path`` through relations a query already loaded, without ever querying; None if not.

    Models use it in ``vault_key_ref`` to hand the key ring a data key fetched by
    ``select_related``.
    """
    current = instance
    for name in path:
        current = current._state.fields_cache.get(name)
        if current is None:
            return None
    return current


class OpenedKey:
    """
    A data key this ring opened: its version, cipher and the header of values sealed under it.

    Encrypted fields keep a reference to it on the model instance so that reading 20 fields of a
    row looks the key up once; closing the ring's scope empties it (``cipher`` becomes None), so
    those references stop working the moment the ring forgets its keys.
    """

    __slots__ = ("cipher", "header", "version")

    def __init__(self, version: int, cipher: AESGCM) -> None:
        self.version = version
        self.cipher: AESGCM | None = cipher
        self.header = aead.header_for(version)

    def revoke(self) -> None:
        self.cipher = None


class WrappedOrganisationKey(NamedTuple):
    """The columns of an ``OrganisationKey`` row the key ring needs, read without the ORM."""

    organisation_id: Any
    purpose: str
    version: int
    wrapped: bytes | memoryview | None
    state: str
    master_key_id: str


def _as_uuid(value: Any) -> uuid.UUID:
    """Read a UUID column fetched with raw SQL (a UUID on PostgreSQL, 32 hex digits on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@functools.cache
def _data_key_query(vendor: str) -> str:
    """SQL for one owner's data key joined to its organisation key, built from the models once."""
    del vendor  # part of the cache key only: quoting follows the connection in use
    column = _data_key_column
    # Column names come from the model; the two values are parameters.
    return (
        f"{_data_keys_joined(('organisation', 'version', 'wrapped', 'destroyed_at'))} "
        f"WHERE dk.{column('owner_type')} = %s AND dk.{column('owner_id')} = %s"
    )


def _data_key_column(name: str) -> str:
    """A ``DataKey`` field's column, quoted for the connection in use."""
    meta: Any = DataKey._meta
    return connection.ops.quote_name(meta.get_field(name).column)


def _data_keys_joined(data_key_fields: Sequence[str]) -> str:
    """
    ``SELECT`` of ``data_key_fields`` of data keys (alias ``dk``) and the columns of their
    organisation keys (``ok``) a key ring unwraps with, ``FROM`` the two tables joined.
    """
    data, organisation = DataKey._meta, OrganisationKey._meta
    quote = connection.ops.quote_name

    def columns(meta: Any, alias: str, names: Sequence[str]) -> list[str]:
        return [f"{alias}.{quote(meta.get_field(name).column)}" for name in names]

    selected = columns(data, "dk", data_key_fields) + columns(
        organisation, "ok", ("purpose", "version", "wrapped", "state", "master_key_id")
    )
    join = f"ok.{quote(organisation.pk.column)} = dk.{_data_key_column('organisation_key')}"
    # Table and column names come from the models.
    return (
        f"SELECT {', '.join(selected)} FROM {quote(data.db_table)} dk "  # noqa: S608
        f"JOIN {quote(organisation.db_table)} ok ON {join}"
    )


@functools.cache
def _data_keys_query(vendor: str) -> tuple[str, str]:
    """
    SQL for the live data keys of many owners joined to their organisation keys, built from the
    models once: the text before and after the owners' ``IN`` list, whose placeholders a call
    writes for as many owners as it asks about (``KeyRing.prefetch``).
    """
    del vendor  # part of the cache key only: quoting follows the connection in use
    column = _data_key_column
    selected = _data_keys_joined(("owner_type", "owner_id", "organisation", "version", "wrapped"))
    # Column names come from the model; the owners' ids are parameters.
    return (
        f"{selected} WHERE dk.{column('destroyed_at')} IS NULL AND dk.{column('owner_id')} IN (",
        ")",
    )


#: The columns of an ``OrganisationKey`` read for its active version, in the model's order.
_ACTIVE_KEY_FIELDS = (
    "id",
    "organisation_id",
    "purpose",
    "version",
    "wrapped",
    "master_key_id",
    "state",
)


@functools.cache
def _active_organisation_key_query(vendor: str) -> str:
    """
    SQL for an organisation's active key of one purpose (its newest active version), built from
    the model once: every new record's data key is wrapped under it (``create_data_key``).
    """
    del vendor  # part of the cache key only: quoting follows the connection in use
    meta: Any = OrganisationKey._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    selected = ", ".join(quote(meta.get_field(name).column) for name in _ACTIVE_KEY_FIELDS)
    # Table and column names come from the model; the three values are parameters.
    return (
        f"SELECT {selected} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {column('organisation')} = %s AND {column('purpose')} = %s "
        f"AND {column('state')} = %s ORDER BY {column('version')} DESC LIMIT 1"
    )


def _active_organisation_key(organisation_id: Any, purpose: str) -> OrganisationKey | None:
    """
    The active ``OrganisationKey`` of ``purpose`` with the highest version for one organisation,
    as ``filter(state=ACTIVE).order_by("-version").first()`` returns it, read with SQL built
    once per process: the ORM's compiling of that query cost more than running it, and every
    new record's data key asks for it. Columns not read (its dates) load when first used.
    """
    prepare = OrganisationKey._meta.get_field("organisation").get_db_prep_value
    with connection.cursor() as cursor:
        cursor.execute(
            _active_organisation_key_query(connection.vendor),
            [prepare(organisation_id, connection), str(purpose), KeyState.ACTIVE.value],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    pk, stored_organisation_id, *rest = found
    return OrganisationKey.from_db(
        connection.alias, _ACTIVE_KEY_FIELDS, [pk, _as_uuid(stored_organisation_id), *rest]
    )


def organisation_key_aad(organisation_id: Any, purpose: str, version: int) -> bytes:
    return f"orgkey|{organisation_id or SYSTEM_OWNER}|{purpose}|{version}".encode()


def data_key_aad(ref: KeyRef, version: int) -> bytes:
    return f"datakey|{ref.organisation_id}|{ref.owner_type}|{ref.owner_id}|{version}".encode()


class KeyRing:
    """Opens and caches keys for one request or operation."""

    def __init__(self, extra_master_keys: Sequence[MasterKey] = ()) -> None:
        self._extra_masters = list(extra_master_keys)
        self._masters: dict[str, MasterKey] | None = None
        self._organisation: dict[tuple[Any, str, int], AESGCM] = {}
        self._current_version: dict[tuple[Any, str], int] = {}
        self._data: dict[tuple[str, Any], OpenedKey] = {}
        self._failures: list[tuple[str | None, dict[str, Any]]] = []

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling (a model instance put in a cache, say) yields an empty ring, never keys.
        return (KeyRing, ())

    # Master keys -------------------------------------------------------------------------
    def master_keys(self) -> dict[str, MasterKey]:
        """Return every loaded master key by id; the configured one is always among them."""
        if self._masters is None:
            self._masters = {key.key_id: key for key in configured_master_keys()}
            for extra in self._extra_masters:
                self._masters[extra.key_id] = extra
        return self._masters

    def current_master(self) -> MasterKey:
        """Return the master key new organisation keys are wrapped under."""
        masters = self.master_keys()
        return self._extra_masters[0] if self._extra_masters else next(iter(masters.values()))

    def open_organisation_row(self, row: "OrganisationKey | WrappedOrganisationKey") -> AESGCM:
        """Unwrap one organisation key row with whichever master key wrapped it, and cache it."""
        key = (row.organisation_id, row.purpose, row.version)
        cipher = self._organisation.get(key)
        if cipher is None:
            cipher = self._organisation[key] = AESGCM(self.raw_organisation_key(row))
        return cipher

    def raw_organisation_key(self, row: "OrganisationKey | WrappedOrganisationKey") -> bytes:
        """Return an organisation key's bytes (for re-wrapping and for deriving subkeys)."""
        if row.wrapped is None or row.state == KeyState.DESTROYED:
            raise KeyNotFoundError(
                NO_ORGANISATION_KEY.format(version=row.version, purpose=row.purpose)
            )
        master = self.master_keys().get(row.master_key_id)
        if master is None:
            raise UnknownMasterKeyError(MASTER_NOT_LOADED.format(key_id=row.master_key_id))
        return aead.open_sealed(
            master.cipher,
            bytes(row.wrapped),
            organisation_key_aad(row.organisation_id, row.purpose, row.version),
        )

    # Organisation keys -------------------------------------------------------------------
    def organisation_cipher(
        self, organisation_id: Any, purpose: str, version: int | None = None
    ) -> tuple[int, AESGCM]:
        """Return (version, cipher) of an organisation key; the active one when no version is given."""
        if version is None:
            version = self._current_version.get((organisation_id, purpose))
        if version is not None and (organisation_id, purpose, version) in self._organisation:
            return version, self._organisation[(organisation_id, purpose, version)]
        row = self.organisation_row(organisation_id, purpose, version)
        self._current_version.setdefault((organisation_id, purpose), row.version)
        return row.version, self.open_organisation_row(row)

    def organisation_row(
        self, organisation_id: Any, purpose: str, version: int | None = None
    ) -> OrganisationKey:
        """Return an organisation key row, creating version 1 on first use."""
        # The queryset is built only when used: a new record's data key reads the active key
        # with SQL built once per process (``_active_organisation_key``).
        if version is not None:
            row = OrganisationKey.objects.filter(
                organisation_id=organisation_id, purpose=purpose, version=version
            ).first()
            if row is None:
                raise KeyNotFoundError(NO_ORGANISATION_KEY.format(version=version, purpose=purpose))
            return row
        row = (
            _active_organisation_key(organisation_id, purpose)
            if organisation_id is not None
            else OrganisationKey.objects.filter(  # the system key: no organisation
                organisation_id__isnull=True, purpose=purpose, state=KeyState.ACTIVE
            )
            .order_by("-version")
            .first()
        )
        return row or self._create_first_organisation_key(organisation_id, purpose)

    def _create_first_organisation_key(self, organisation_id: Any, purpose: str) -> OrganisationKey:
        with transaction.atomic():
            if organisation_id is not None:
                # Serialises the first key per organisation across processes.
                Organisation.objects.select_for_update().filter(pk=organisation_id).first()
            existing = (
                OrganisationKey.objects.filter(organisation_id=organisation_id, purpose=purpose)
                .order_by("-version")
                .first()
            )
            if existing is not None:
                return existing
            return self.add_organisation_key(organisation_id, purpose, version=1)

    def add_organisation_key(
        self, organisation_id: Any, purpose: str, *, version: int
    ) -> OrganisationKey:
        """Create and store a new organisation key version wrapped under the current master key."""

        master = self.current_master()
        raw = aead.new_key()
        row = OrganisationKey.objects.create(
            organisation_id=organisation_id,
            purpose=purpose,
            version=version,
            wrapped=aead.seal(
                master.cipher, raw, organisation_key_aad(organisation_id, purpose, version)
            ),
            master_key_id=master.key_id,
        )
        self._organisation[(organisation_id, purpose, version)] = AESGCM(raw)
        record_event(
            EventType.KEY_CREATED,
            organisation=organisation_id,
            object_type="organisation_key",
            object_id=f"{purpose}-v{version}",
            data={"purpose": purpose, "version": version, "master_key_id": master.key_id},
        )
        return row

    # Data keys ----------------------------------------------------------------------------
    def data_cipher(self, ref: KeyRef) -> AESGCM:
        """Return the cipher of a record's data key; raise KeyDestroyedError if the record was erased."""
        return self.data_key(ref)[1]

    def data_key(self, ref: KeyRef) -> tuple[int, AESGCM]:
        """Return (data key version, cipher) for ``ref``, opening and caching it on first use."""
        opened = self.opened_data_key(ref)
        if opened.cipher is None:  # entries leave the cache when revoked; fail closed regardless
            raise KeyNotFoundError(NO_DATA_KEY.format(owner_type=ref.owner_type))
        return opened.version, opened.cipher

    def opened_data_key(self, ref: KeyRef) -> OpenedKey:
        """Return the ring's entry for the data key of ``ref``, opening it on first use."""
        cache_key = (ref.owner_type, ref.owner_id)
        cached = self._data.get(cache_key)
        if cached is not None:
            return cached
        if ref.owner_type == SYSTEM_OWNER:
            version, cipher = self.organisation_cipher(None, KeyPurpose.SYSTEM)
            opened = self._data[cache_key] = OpenedKey(version, cipher)
            return opened
        if ref.preloaded is not None:
            return self._open_data_row(ref, ref.preloaded)
        return self._fetch_and_open(ref)

    def _open_data_row(self, ref: KeyRef, row: DataKey | None) -> OpenedKey:
        if row is None:
            raise KeyNotFoundError(NO_DATA_KEY.format(owner_type=ref.owner_type))
        return self._open_wrapped_data_key(
            ref,
            organisation_id=row.organisation_id,
            version=row.version,
            wrapped=None if row.destroyed_at is not None else row.wrapped,
            organisation_cipher=lambda: self.open_organisation_row(row.organisation_key),
        )

    def _open_wrapped_data_key(
        self,
        ref: KeyRef,
        *,
        organisation_id: Any,
        version: int,
        wrapped: bytes | memoryview | None,
        organisation_cipher: Callable[[], AESGCM],
    ) -> OpenedKey:
        """Check a data key belongs to ``ref``'s organisation and is intact, then unwrap and cache it."""
        # Compared as values first (two UUIDs, the usual case), as text only when they differ,
        # since one side may be a UUID and the other its text.
        if organisation_id != ref.organisation_id and str(organisation_id) != str(
            ref.organisation_id
        ):
            raise KeyNotFoundError(OTHER_ORGANISATION.format(owner_type=ref.owner_type))
        if wrapped is None:
            raise KeyDestroyedError(ERASED)
        raw = aead.open_sealed(organisation_cipher(), bytes(wrapped), data_key_aad(ref, version))
        opened = OpenedKey(version, AESGCM(raw))
        self._data[(ref.owner_type, ref.owner_id)] = opened
        return opened

    def _fetch_and_open(self, ref: KeyRef) -> OpenedKey:
        """
        Fetch one record's data key with its organisation key in one prepared query, and open it.

        A detail page reads a single row, so this replaces the ORM join a ``select_related``
        builds on every request; the SQL text is built once per process and database vendor
        (see ``bench/vault.py`` for what it saves).
        """
        owner_field = DataKey._meta.get_field("owner_id")
        with connection.cursor() as cursor:
            cursor.execute(
                _data_key_query(connection.vendor),
                [ref.owner_type, owner_field.get_db_prep_value(ref.owner_id, connection)],
            )
            found = cursor.fetchone()
        if found is None:
            raise KeyNotFoundError(NO_DATA_KEY.format(owner_type=ref.owner_type))
        (
            organisation_id,
            version,
            wrapped,
            destroyed_at,
            key_purpose,
            key_version,
            key_wrapped,
            key_state,
            master_key_id,
        ) = found
        organisation_id = _as_uuid(organisation_id)
        return self._open_wrapped_data_key(
            ref,
            organisation_id=organisation_id,
            version=version,
            wrapped=None if destroyed_at is not None else wrapped,
            organisation_cipher=self._organisation_cipher_of(
                WrappedOrganisationKey(
                    organisation_id, key_purpose, key_version, key_wrapped, key_state, master_key_id
                )
            ),
        )

    def prefetch(self, refs: Iterable[KeyRef]) -> None:
        """
        Open the data keys of many records with one query (list pages, exports, matching runs).

        One unwrap per key not yet in the ring, however many records share it. The key rows are
        read as plain values with SQL built once per process (``_data_keys_query``), not model
        instances or a query compiled per call: a matching run opens a key for each of hundreds
        of cases, and building a ``DataKey`` and an ``OrganisationKey`` per case, or converting
        every owner's id back to a UUID, cost more than unwrapping. Rows are matched to the
        records by the owner's id as the database holds it (the parameter sent), and each
        organisation id read is converted once. Destroyed keys are skipped; reading a record of
        an erased case still raises ``KeyDestroyedError`` when its key is asked for.
        """
        native = connection.features.has_native_uuid_field
        prepare = DataKey._meta.get_field("owner_id").get_db_prep_value
        wanted: dict[tuple[str, Any], KeyRef] = {}
        for ref in refs:
            if ref.owner_type == SYSTEM_OWNER or (ref.owner_type, ref.owner_id) in self._data:
                continue
            owner_id = ref.owner_id
            if native and owner_id.__class__ is uuid.UUID:
                stored = owner_id
            elif owner_id.__class__ is uuid.UUID:
                stored = owner_id.hex  # how a UUID column holds it without a native type
            else:
                stored = prepare(owner_id, connection)
            wanted[(ref.owner_type, stored)] = ref
        if not wanted:
            return
        owners = list(dict.fromkeys(stored for _type, stored in wanted))
        before, after = _data_keys_query(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(before + ", ".join(["%s"] * len(owners)) + after, owners)
            rows = cursor.fetchall()
        organisations: dict[Any, uuid.UUID] = {}
        ciphers: dict[tuple[Any, ...], Callable[[], AESGCM]] = {}
        for (
            owner_type,
            owner_id,
            stored_organisation_id,
            version,
            wrapped,
            *organisation_key,
        ) in rows:
            found = wanted.get((owner_type, owner_id))
            if found is None:
                continue
            organisation_id = organisations.get(stored_organisation_id)
            if organisation_id is None:
                organisation_id = organisations[stored_organisation_id] = _as_uuid(
                    stored_organisation_id
                )
            key_purpose, key_version, key_wrapped, key_state, master_key_id = organisation_key
            which = (organisation_id, key_purpose, key_version, key_state, master_key_id)
            organisation_cipher = ciphers.get(which)
            if organisation_cipher is None:
                organisation_cipher = ciphers[which] = self._organisation_cipher_of(
                    WrappedOrganisationKey(
                        organisation_id,
                        key_purpose,
                        key_version,
                        key_wrapped,
                        key_state,
                        master_key_id,
                    )
                )
            self._open_wrapped_data_key(
                found,
                organisation_id=organisation_id,
                version=version,
                wrapped=wrapped,
                organisation_cipher=organisation_cipher,
            )

    def _organisation_cipher_of(self, row: WrappedOrganisationKey) -> Callable[[], AESGCM]:
        """Open ``row``'s organisation key when first needed, from the ring's cache if it is there."""

        def organisation_cipher() -> AESGCM:
            cached = self._organisation.get((row.organisation_id, row.purpose, row.version))
            if cached is not None:
                return cached
            return self.open_organisation_row(row)

        return organisation_cipher

    def create_data_key(self, ref: KeyRef) -> DataKey:
        """Create, wrap, store and cache a new data key for ``ref``; return its row."""
        organisation_key = self.organisation_row(ref.organisation_id, KeyPurpose.DATA)
        organisation_cipher = self.open_organisation_row(organisation_key)
        raw = aead.new_key()
        row = DataKey.objects.create(
            organisation_id=ref.organisation_id,
            owner_type=ref.owner_type,
            owner_id=ref.owner_id,
            version=1,
            wrapped=aead.seal(
                organisation_cipher, raw, data_key_aad(ref, 1), key_version=organisation_key.version
            ),
            organisation_key=organisation_key,
        )
        self._store(ref, OpenedKey(1, AESGCM(raw)))
        return row

    def destroy_data_key(self, ref: KeyRef) -> bool:
        """Destroy the wrapped data key of ``ref`` (crypto-shredding); True if one was destroyed."""
        self._store(ref, None)
        updated = DataKey.objects.filter(
            owner_type=ref.owner_type, owner_id=ref.owner_id, destroyed_at__isnull=True
        ).update(wrapped=None, destroyed_at=timezone.now())
        return bool(updated)

    def _store(self, ref: KeyRef, opened: OpenedKey | None) -> None:
        """Cache ``opened`` for ``ref`` (or drop the entry), revoking any entry it replaces."""
        previous = self._data.pop((ref.owner_type, ref.owner_id), None)
        if previous is not None:
            previous.revoke()
        if opened is not None:
            self._data[(ref.owner_type, ref.owner_id)] = opened

    # Decryption failures ------------------------------------------------------------------
    def report_decryption_failure(
        self, *, organisation_id: Any, object_type: str, object_id: str, column: str
    ) -> None:
        """
        Audit a ciphertext that failed authentication (CRY-08), even if the caller rolls back.

        The event is written at once, in the caller's transaction. A failed decryption raises,
        and a raise usually rolls that transaction back, which would take the event with it;
        so the ring remembers each event written inside a transaction and, when its scope
        closes, writes again any that the database no longer holds (``settle_failures``).
        """

        event = {
            "organisation": organisation_id,
            "object_type": object_type,
            "object_id": object_id,
            "data": {"field": column},
        }
        try:
            recorded: str | None = record_event(EventType.DECRYPT_FAILED, **event).hash
        except (DatabaseError, TransactionManagementError):
            # The caller's transaction is already broken: write the event when the scope closes.
            recorded = None
        if recorded is None or connection.in_atomic_block:
            self._failures.append((recorded, event))

    def settle_failures(self) -> None:
        """Write again the failure events a rolled-back transaction removed (see above)."""
        pending, self._failures = self._failures, []
        if not pending:  # the usual case, at the end of every request: nothing to import or ask
            return

        try:
            kept = set(
                AuditEvent.objects.filter(
                    hash__in=[recorded for recorded, _event in pending if recorded]
                ).values_list("hash", flat=True)
            )
            for recorded, event in pending:
                if recorded not in kept:
                    event["data"] = {**event["data"], "after_rollback": True}
                    record_event(EventType.DECRYPT_FAILED, **event)
        except (DatabaseError, TransactionManagementError):
            logger.error("decrypt_failed_not_audited", extra={"events": len(pending)})

    def forget(self) -> None:
        """Drop every key this ring holds, including those fields still point at."""
        for opened in self._data.values():
            opened.revoke()
        self._organisation.clear()
        self._current_version.clear()
        self._data.clear()
        self._masters = None


_active: contextvars.ContextVar[KeyRing | None] = contextvars.ContextVar(
    "haven_vault_keyring", default=None
)


def current_keyring() -> KeyRing | None:
    """Return the key ring of the running request or operation, if one is open."""
    return _active.get()


@contextlib.contextmanager
def keyring_scope(extra_master_keys: Sequence[MasterKey] = ()) -> Iterator[KeyRing]:
    """
    Open a key ring for the block and drop its keys at the end.

    Nested scopes reuse the outer ring (unless they bring extra master keys), so a service called
    from a view shares the request's cache.
    """
    outer = _active.get()
    if outer is not None and not extra_master_keys:
        yield outer
        return
    ring = KeyRing(extra_master_keys)
    token = _active.set(ring)
    try:
        yield ring
    finally:
        _active.reset(token)
        try:
            ring.settle_failures()
        finally:
            ring.forget()
