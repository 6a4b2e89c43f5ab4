"""
Backup and restore: a consistent, encrypted snapshot of every table, without the master key.

``snapshot`` reads every concrete model inside one transaction (REPEATABLE READ on PostgreSQL, a
read transaction on SQLite), so rows written meanwhile are either wholly in or wholly out. Values
are stored as the database holds them: encrypted columns stay ciphertext and organisation keys
stay wrapped, so the backup is useless without the master key, which is escrowed separately
(BAK-01). ``snapshot_chunks`` streams the gzipped JSON a batch of rows at a time, and a backup
(to an age recipient or to a passphrase) is encrypted into the file as it comes
(``archives.encrypt_to_file``), so the database is never held in memory whole and plaintext
never reaches the disk.

Evidence files travel in the same snapshot: after the tables, every file a row names (models
register the column with ``register_stored_files``) is streamed from the storage as base64, exactly
as stored, so it stays encrypted under its own key and a restore brings it back byte for byte.

``restore_stream`` loads a snapshot into an empty database (freshly migrated, nothing but
Django's own content types in it) in one transaction, keeping every primary key and the audit
chain exactly as they were, so ``haven audit verify`` passes afterwards. It reads the snapshot as
a stream (``haven restore`` feeds it from ``archives.decrypt_file_chunks``): decompressed a
bounded piece at a time, parsed by a pull parser that holds one row, rows inserted a batch at a
time, each file written to the storage as its base64 is read. Memory stays flat whatever the
backup's size (a 12 MiB file: 85 MiB of Python memory at peak before, under 4 MiB now). The
format is unchanged, so backups written before restore as they did. It checks that the snapshot
matches this version's migrations before writing anything, that the configured master key opens
every organisation key before inserting it, that it names no table this version does not know,
and, once the rows are in, that the audit chain verifies (a backup with a gap in its chain is
refused) and that the files are exactly those the rows name. Any refusal rolls the rows back
and deletes the files already written.
"""

import base64
import binascii
import contextlib
import datetime
import decimal
import json
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from haven.audit.verification import verify_chain
from haven.vault.age_passphrase import read_exactly
from haven.vault.backup_reader import (
    GZIP_WBITS,
    BadDocumentError,
    JsonReader,
    base64_pieces,
    decompressed_texts,
)
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
BATCH_ROWS = 500
# Sessions are not restored: a restored server must not revive anyone's login. The case and stage
# tallies (``reports.casetally``, ``reports.stagetally``) are derived: database triggers count the
# restored cases and status changes as they are inserted, so carrying their rows too would count
# everything twice.
SKIPPED_MODELS = {
    "sessions.session",
    "reports.casetally",
    "reports.stagetally",
    "reports.profiletally",
}
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


def named_by_a_record(name: str) -> bool:
    """True when some row of a registered column still names the stored file ``name``."""
    return any(
        apps.get_model(label)._base_manager.filter(**{attname: name}).exists()
        for label, attname in _STORED_FILE_COLUMNS
    )


def _file_pieces(name: str) -> Iterator[bytes]:
    """Yield one file as a JSON pair ``["name","base64"]``, a piece of the file at a time."""
    if not default_storage.exists(name):
        raise BackupError(FILE_MISSING.format(name=name))
    yield b"[" + _json(name) + b',"'
    with default_storage.open(name, "rb") as stored:
        while True:
            piece = read_exactly(stored, FILE_PIECE_BYTES)
            if piece:
                yield base64.b64encode(piece)
            if len(piece) < FILE_PIECE_BYTES:
                break
    yield b'"]'


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


def _check_empty() -> None:
    for label in MUST_BE_EMPTY:
        if apps.get_model(label)._base_manager.exists():
            raise BackupError(NOT_EMPTY.format(table=label))


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
    """Load a decrypted snapshot held in memory; see ``restore_stream``."""
    return restore_stream([data])


def _elements(reader: JsonReader, opening: str, closing: str) -> Iterator[None]:
    """
    Step through the JSON array or object that comes next, once per element: the loop's body
    reads the element; the brackets and the commas between elements are taken here.
    """
    reader.expect(opening)
    if not reader.first(closing):
        return
    while True:
        yield
        if not reader.more(closing):
            return


def _keys(reader: JsonReader) -> Iterator[str]:
    """Each key of the JSON object that comes next; the loop's body reads the key's value."""
    for _element in _elements(reader, "{", "}"):
        yield reader.key()


class _StreamedFile(File):  # type: ignore[type-arg]
    """A file whose content is produced as the storage writes it."""

    def __init__(self, pieces: Iterator[bytes], name: str) -> None:
        super().__init__(None, name)
        self._pieces = pieces

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self._pieces


class _Restore:
    """One restore, fed by a ``JsonReader``: rows inserted by the batch, files written as they come."""

    def __init__(self, reader: JsonReader, written: list[str]) -> None:
        self.reader = reader
        self.written = written
        self.models = {model._meta.label_lower: model for model in backed_up_models()}
        self.restored: list[type[models.Model]] = []
        self.rows = 0
        self.files = 0
        self.ring = KeyRing()

    def document(self) -> None:
        reader = self.reader
        header: dict[str, Any] = {}
        tables_done = files_seen = False
        for name in _keys(reader):
            if name == "tables":
                self.check_header(header)
                self.tables()
                self.after_tables()
                tables_done = True
            elif name == "files":
                if not tables_done:
                    raise BadDocumentError
                self.read_files()
                files_seen = True
            else:
                header[name] = reader.value()
        reader.end()
        if not tables_done:
            raise BadDocumentError
        if header["format"] == FORMAT or files_seen:
            missing = len(self.named - self.seen)
            if missing:
                raise BackupError(
                    FILES_DISAGREE.format(problem=f"{missing} missing, 0 not named by any record")
                )

    def check_header(self, header: dict[str, Any]) -> None:
        if header.get("format") not in READABLE_FORMATS:
            raise BadDocumentError
        if header.get("migrations") != applied_migrations():
            raise BackupError(OTHER_VERSION)
        _check_empty()
        # migrate created these itself; the snapshot's rows (same keys) replace them.
        apps.get_model("auth.permission")._base_manager.all().delete()
        apps.get_model("contenttypes.contenttype")._base_manager.all().delete()

    def tables(self) -> None:
        for label in _keys(self.reader):
            if label in SKIPPED_MODELS:
                self.skip_table()
            elif label in self.models:
                self.table(self.models[label])
            else:
                raise BackupError(UNKNOWN_TABLES.format(tables=label[:300]))

    def skip_table(self) -> None:
        for _name in _keys(self.reader):
            self.reader.skip()

    def table(self, model: type[models.Model]) -> None:
        reader = self.reader
        fields: list[models.Field[Any, Any]] | None = None
        inserted = 0
        for name in _keys(reader):
            if name == "fields":
                names = reader.value()
                if not isinstance(names, list) or fields is not None:
                    raise BadDocumentError
                fields = _fields_by_attname(model, names)
            elif name == "rows" and fields is not None:
                inserted = self.rows_of(model, fields)
            else:
                raise BadDocumentError
        if inserted:
            self.restored.append(model)

    def rows_of(self, model: type[models.Model], fields: list["models.Field[Any, Any]"]) -> int:
        reader = self.reader
        batch: list[models.Model] = []
        count = 0
        for _row in _elements(reader, "[", "]"):
            row = reader.value()
            if not isinstance(row, list):
                raise BadDocumentError
            batch.append(
                model(**{f.attname: _decode(f, v) for f, v in zip(fields, row, strict=True)})
            )
            if len(batch) == BATCH_ROWS:
                count += self.insert(model, batch)
                batch = []
        if batch:
            count += self.insert(model, batch)
        return count

    def insert(self, model: type[models.Model], batch: list[models.Model]) -> int:
        if model is OrganisationKey:
            for key in batch:
                if key.wrapped is None:  # type: ignore[attr-defined]
                    continue
                try:
                    self.ring.raw_organisation_key(key)  # type: ignore[arg-type]
                except VaultError as error:
                    raise BackupError(WRONG_MASTER_KEY.format(problem=error)) from None
        with _timestamps_as_stored(model):
            model._base_manager.bulk_create(batch, batch_size=BATCH_ROWS)
        self.rows += len(batch)
        return len(batch)

    def after_tables(self) -> None:
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.restored):
                cursor.execute(statement)
        # Foreign keys are checked at commit on both engines; check them now, so a row that
        # points nowhere refuses the whole restore here instead of at some later commit.
        connection.check_constraints(table_names=[m._meta.db_table for m in self.restored])
        chain = verify_chain()
        if not chain.intact:
            raise BackupError(BROKEN_CHAIN.format(problem=chain.problem))
        self.named = set(stored_file_names())
        self.seen: set[str] = set()

    def read_files(self) -> None:
        reader = self.reader
        for _file in _elements(reader, "[", "]"):
            reader.expect("[")
            name = reader.value()
            if not isinstance(name, str):
                raise BadDocumentError
            if name in self.seen:
                raise BackupError(FILES_DISAGREE.format(problem="a file appears twice"))
            if name not in self.named:
                raise BackupError(
                    FILES_DISAGREE.format(problem="0 missing, 1 not named by any record")
                )
            self.seen.add(name)
            reader.expect(",")
            self.write_file(name, base64_pieces(reader.string_pieces()))
            reader.expect("]")
            self.files += 1

    def write_file(self, name: str, content: Iterator[bytes]) -> None:
        if default_storage.exists(name):
            raise BackupError(FILE_EXISTS.format(name=name))
        try:
            saved = default_storage.save(name, _StreamedFile(content, name))
        except BaseException:
            # A stream cut off mid-file (a truncated or changed backup): the storage does not
            # remove what it wrote so far, under the name just checked to be free.
            self.written.append(name)
            raise
        self.written.append(saved)
        if saved != name:
            raise BackupError(FILE_EXISTS.format(name=name))


def restore_stream(chunks: Iterable[bytes]) -> RestoreReport:
    """
    Load a decrypted snapshot, given as a stream of pieces, into this (migrated, empty) database.

    The snapshot is decompressed and parsed as it arrives: rows are inserted a batch at a time
    and each file is written to the storage as its base64 is read, so memory holds a batch of
    rows and a piece of a file whatever the backup's size. Everything happens in one
    transaction: the header's migrations are checked first, the master key against each
    organisation key before it is inserted, the foreign keys and the audit chain once the tables
    are in, and every file against the names the rows hold. Raises BackupError, with nothing
    written (rows rolled back, files already written deleted), for a damaged snapshot, a
    non-empty database, a different set of migrations, or a master key that cannot open the
    snapshot's keys; an error of the stream itself (an ArchiveError for a backup cut short)
    is raised as it is, after the same rollback.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            work = _Restore(JsonReader(decompressed_texts(chunks)), written)
            work.document()
    except BaseException as error:
        for name in written:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        if isinstance(error, BackupError):
            raise
        if isinstance(
            error,
            BadDocumentError
            | KeyError
            | TypeError
            | ValueError
            | binascii.Error
            | ValidationError
            | DatabaseError
            | SuspiciousFileOperation
            | OverflowError
            | RecursionError
            | EOFError
            | zlib.error,
        ):
            raise BackupError(NOT_A_BACKUP) from error
        raise
    apps.get_model("contenttypes.contenttype").objects.clear_cache()
    return RestoreReport(tables=len(work.restored), rows=work.rows, files=work.files)
