"""
Backup and restore: a consistent, encrypted snapshot of every table, without the master key.

``snapshot`` reads every concrete model inside one transaction (REPEATABLE READ on PostgreSQL, a
read transaction on SQLite), so rows written meanwhile are either wholly in or wholly out. Values
are stored as the database holds them: encrypted columns stay ciphertext and organisation keys
stay wrapped, so the backup is useless without the master key, which is escrowed separately
(BAK-01). ``snapshot_chunks`` streams the gzipped JSON a batch of rows at a time, and a backup
to an age recipient is encrypted into the file as it comes (``archives.encrypt_to_file``), so
the database is never held in memory whole and plaintext never reaches the disk. (A passphrase
backup still gathers the compressed snapshot in memory: pyrage cannot stream that mode.)

Evidence files travel in the same snapshot: after the tables, every file a row names (models
register the column with ``register_stored_files``) is streamed from the storage as base64, exactly
as stored, so it stays encrypted under its own key and a restore brings it back byte for byte.

``restore`` loads a snapshot into an empty database (freshly migrated, nothing but Django's own
content types in it) in one transaction, keeping every primary key and the audit chain exactly as
they were, so ``haven audit verify`` passes afterwards. Before writing anything it checks that the
snapshot matches this version's migrations and that the configured master key opens every
organisation key in it, that it names no table this version does not know, and, once the rows are
in, that the audit chain verifies: a backup with a gap in its chain is refused, not restored.
(Restore still holds the whole decrypted snapshot in memory, files included.)
"""

import base64
import binascii
import contextlib
import datetime
import decimal
import gzip
import json
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from haven.audit.verification import verify_chain
from haven.vault.errors import VaultError
from haven.vault.fields import Ciphertext, EncryptedField
from haven.vault.keyring import KeyRing
from haven.vault.models import OrganisationKey

FORMAT = "haven.backup/2"
# Version 1 carried no files; such a backup still restores, without its evidence files.
READABLE_FORMATS = {"haven.backup/1", FORMAT}
# Files are read in pieces of a multiple of 3 bytes, so their base64 pieces join into one string.
FILE_PIECE_BYTES = 3 * 64 * 1024
# zlib's window bits for the gzip container (16 + 15): the stream opens with ``gzip``.
GZIP_WBITS = 31
BATCH_ROWS = 500
# Sessions are not restored: a restored server must not revive anyone's login. The case tally
# (``reports.casetally``) is derived: database triggers count the restored cases as they are
# inserted, so carrying its rows too would count every case twice.
SKIPPED_MODELS = {"sessions.session", "reports.casetally"}
# Tables that must be empty for a restore to go ahead.
MUST_BE_EMPTY = (
    "organisations.organisation",
    "accounts.user",
    "audit.auditevent",
    "vault.organisationkey",
    "cases.case",
)

NOT_A_BACKUP = "The file is not a Haven backup (wrong format or damaged contents)."
NOT_EMPTY = (
    "The database is not empty ({table} has rows). Restore only into a new, empty database; "
    "nothing was written."
)
OTHER_VERSION = (
    "The backup was written by a Haven version with different database migrations; "
    "restore it with the matching version. Nothing was written."
)
UNKNOWN_TABLES = (
    "The backup holds tables this version of Haven does not know ({tables}); it was written by "
    "another version or altered. Nothing was written."
)
BROKEN_CHAIN = (
    "The backup's audit chain does not verify ({problem}); events were removed or changed "
    "before or after the backup was made. Nothing was written."
)
FILE_MISSING = (
    "The stored file {name} named by a record is missing from the file storage; run "
    "`haven vault verify`. Nothing was written."
)
FILES_DISAGREE = (
    "The backup's files do not match its records ({problem}); it is damaged or was altered. "
    "Nothing was written."
)
FILE_EXISTS = (
    "The file storage already holds {name}. Restore into an empty data folder; nothing was written."
)
WRONG_MASTER_KEY = (
    "The configured master key cannot open the backup's organisation keys ({problem}). "
    "Configure the master key the backup was made under; nothing was written."
)


class BackupError(VaultError):
    """A backup cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int = 0


_STORED_FILE_COLUMNS: list[tuple[str, str]] = []


def register_stored_files(model_label: str, attname: str) -> None:
    """
    Declare that column ``attname`` of ``model_label`` names a file in the default storage.

    Backups carry every such file and restores put it back; ``haven vault verify`` opens them.
    Apps call this from ``AppConfig.ready()``.
    """
    if (model_label, attname) not in _STORED_FILE_COLUMNS:
        _STORED_FILE_COLUMNS.append((model_label, attname))


def stored_file_names() -> Iterator[str]:
    """Yield the storage name of every file a row refers to, in a stable order."""
    for label, attname in _STORED_FILE_COLUMNS:
        model = apps.get_model(label)
        # An empty name is a row whose file was deleted on purpose (an erased case's attachment).
        names = (
            model._base_manager.exclude(**{attname: ""})
            .order_by(attname)
            .values_list(attname, flat=True)
        )
        yield from names.iterator(chunk_size=BATCH_ROWS)


def _file_pieces(name: str) -> Iterator[bytes]:
    """Yield one file as a JSON pair ``["name","base64"]``, a piece of the file at a time."""
    if not default_storage.exists(name):
        raise BackupError(FILE_MISSING.format(name=name))
    yield b"[" + _json(name) + b',"'
    with default_storage.open(name, "rb") as stored:
        while True:
            piece = _read_exactly(stored, FILE_PIECE_BYTES)
            if piece:
                yield base64.b64encode(piece)
            if len(piece) < FILE_PIECE_BYTES:
                break
    yield b'"]'


def _read_exactly(stored: Any, size: int) -> bytes:
    """Read ``size`` bytes unless the file ends first (a short read mid-file would break base64)."""
    parts = []
    wanted = size
    while wanted:
        part = stored.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def backed_up_models() -> list[type[models.Model]]:
    """Return every concrete, managed model whose rows a backup carries."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in SKIPPED_MODELS
    ]


def _encode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Ciphertext):
        return base64.b64encode(value.blob).decode()
    if isinstance(field, models.BinaryField):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, EncryptedField):
        return Ciphertext(base64.b64decode(value, validate=True))
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value, validate=True)
    if isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def snapshot() -> bytes:
    """Return a gzipped JSON snapshot of every table, read in one consistent transaction."""
    return b"".join(snapshot_chunks())


def snapshot_chunks(batch_rows: int = BATCH_ROWS) -> Iterator[bytes]:
    """
    Yield the same gzipped snapshot as ``snapshot`` in pieces, holding only a batch of rows.

    Tables are read with database iterators and written out row batch by row batch, so memory
    stays flat however large the database is; ``archives.encrypt_to_file`` encrypts the pieces
    as they come. The read transaction stays open until the last piece has been taken.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, GZIP_WBITS)
    for piece in _document_pieces(batch_rows):
        compressed = compressor.compress(piece)
        if compressed:
            yield compressed
    yield compressor.flush()


@contextlib.contextmanager
def _consistent_read() -> Iterator[None]:
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    else:
        with transaction.atomic():
            yield


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _document_pieces(batch_rows: int) -> Iterator[bytes]:
    """Yield the snapshot's JSON text: a header, then each table's field names and rows."""
    with _consistent_read():
        header = _json(
            {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "vendor": connection.vendor,
                "migrations": applied_migrations(),
            }
        )
        yield header[:-1] + b',"tables":{'
        for table_number, model in enumerate(backed_up_models()):
            fields = list(model._meta.concrete_fields)
            yield (
                (b"," if table_number else b"")
                + _json(model._meta.label_lower)
                + b':{"fields":'
                + _json([f.attname for f in fields])
                + b',"rows":['
            )
            rows = (
                model._base_manager.order_by("pk")
                .values_list(*(f.attname for f in fields))
                .iterator(chunk_size=batch_rows)
            )
            batch: list[bytes] = []
            separator = b""
            for row in rows:
                batch.append(_json([_encode(f, v) for f, v in zip(fields, row, strict=True)]))
                if len(batch) == batch_rows:
                    yield separator + b",".join(batch)
                    batch, separator = [], b","
            if batch:
                yield separator + b",".join(batch)
            yield b"]}"
        yield b'},"files":['
        for file_number, name in enumerate(stored_file_names()):
            if file_number:
                yield b","
            yield from _file_pieces(name)
        yield b"]}"


def _fields_by_attname(
    model: type[models.Model], names: list[str]
) -> list["models.Field[Any, Any]"]:
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    return [by_attname[name] for name in names]


def load_snapshot(data: bytes) -> dict[str, Any]:
    """Return the document inside a decrypted snapshot, or raise BackupError."""
    try:
        document = json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError, RecursionError):
        raise BackupError(NOT_A_BACKUP) from None
    if not isinstance(document, dict) or document.get("format") not in READABLE_FORMATS:
        raise BackupError(NOT_A_BACKUP)
    if not isinstance(document.get("tables"), dict):
        raise BackupError(NOT_A_BACKUP)
    if not isinstance(document.get("files", []), list):
        raise BackupError(NOT_A_BACKUP)
    return document


def _check_known_tables(tables: dict[str, Any]) -> None:
    known = {model._meta.label_lower for model in backed_up_models()} | SKIPPED_MODELS
    unknown = sorted(str(label) for label in tables if label not in known)
    if unknown:
        raise BackupError(UNKNOWN_TABLES.format(tables=", ".join(unknown)[:300]))


def _backed_up_files(document: dict[str, Any]) -> dict[str, bytes]:
    """Return the backup's files by storage name, checked against the names its rows hold."""
    files: dict[str, bytes] = {}
    for entry in document.get("files", []):
        if not (
            isinstance(entry, list)
            and len(entry) == 2
            and all(isinstance(part, str) for part in entry)
        ):
            raise BackupError(NOT_A_BACKUP)
        name, encoded = entry
        if name in files:
            raise BackupError(FILES_DISAGREE.format(problem="a file appears twice"))
        files[name] = base64.b64decode(encoded, validate=True)
    return files


def _check_files_match_rows(files: dict[str, bytes], *, required: bool) -> None:
    """After the rows are in: every named file is in the backup (for version 2) and no other."""
    named = set(stored_file_names())
    extra = len(set(files) - named)
    missing = len(named - set(files)) if required else 0
    if extra or missing:
        raise BackupError(
            FILES_DISAGREE.format(problem=f"{missing} missing, {extra} not named by any record")
        )


def _write_files(files: dict[str, bytes], written: list[str]) -> None:
    for name, content in files.items():
        if default_storage.exists(name):
            raise BackupError(FILE_EXISTS.format(name=name))
        saved = default_storage.save(name, ContentFile(content))
        written.append(saved)
        if saved != name:
            raise BackupError(FILE_EXISTS.format(name=name))


def _check_empty() -> None:
    for label in MUST_BE_EMPTY:
        if apps.get_model(label)._base_manager.exists():
            raise BackupError(NOT_EMPTY.format(table=label))


def _check_master_key(table: dict[str, Any]) -> None:
    ring = KeyRing()
    fields = _fields_by_attname(OrganisationKey, table["fields"])
    for row in table["rows"]:
        key = OrganisationKey(
            **{f.attname: _decode(f, v) for f, v in zip(fields, row, strict=True)}
        )
        if key.wrapped is None:
            continue
        try:
            ring.raw_organisation_key(key)
        except VaultError as error:
            raise BackupError(WRONG_MASTER_KEY.format(problem=error)) from None


@contextlib.contextmanager
def _timestamps_as_stored(model: type[models.Model]) -> Iterator[None]:
    """Keep stored values of auto_now fields instead of stamping the time of the restore."""
    changed = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
            changed.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def restore(data: bytes) -> RestoreReport:
    """
    Load a decrypted snapshot into this (migrated, empty) database in one transaction.

    Raises BackupError, with nothing written, for a damaged snapshot, a non-empty database, a
    different set of migrations, or a master key that cannot open the snapshot's keys.
    """
    document = load_snapshot(data)
    if document.get("migrations") != applied_migrations():
        raise BackupError(OTHER_VERSION)
    tables = document["tables"]
    written: list[str] = []
    try:
        _check_known_tables(tables)
        files = _backed_up_files(document)
        if OrganisationKey._meta.label_lower in tables:
            _check_master_key(tables[OrganisationKey._meta.label_lower])
        with transaction.atomic():
            _check_empty()
            # migrate created these itself; the snapshot's rows (same keys) replace them.
            apps.get_model("auth.permission")._base_manager.all().delete()
            apps.get_model("contenttypes.contenttype")._base_manager.all().delete()
            count = 0
            restored = []
            for model in backed_up_models():
                table = tables.get(model._meta.label_lower)
                if not table or not table["rows"]:
                    continue
                fields = _fields_by_attname(model, table["fields"])
                objects = [
                    model(**{f.attname: _decode(f, v) for f, v in zip(fields, row, strict=True)})
                    for row in table["rows"]
                ]
                with _timestamps_as_stored(model):
                    model._base_manager.bulk_create(objects, batch_size=500)
                count += len(objects)
                restored.append(model)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), restored):
                    cursor.execute(statement)
            # Foreign keys are checked at commit on both engines; check them now, so a row that
            # points nowhere refuses the whole restore here instead of at some later commit.
            connection.check_constraints(table_names=[m._meta.db_table for m in restored])
            chain = verify_chain()
            if not chain.intact:
                raise BackupError(BROKEN_CHAIN.format(problem=chain.problem))
            _check_files_match_rows(files, required=document["format"] == FORMAT)
            _write_files(files, written)
    except BaseException as error:
        for name in written:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        if isinstance(error, BackupError):
            raise
        if isinstance(
            error,
            KeyError
            | TypeError
            | ValueError
            | binascii.Error
            | ValidationError
            | DatabaseError
            | SuspiciousFileOperation
            | OverflowError,
        ):
            raise BackupError(NOT_A_BACKUP) from error
        raise
    apps.get_model("contenttypes.contenttype").objects.clear_cache()
    return RestoreReport(tables=len(restored), rows=count, files=len(files))
