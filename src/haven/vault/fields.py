"""
Encrypted model fields that the rest of Haven reads and writes like ordinary attributes.

A model declares its sensitive columns as ``EncryptedTextField``, ``EncryptedJSONField`` or
``EncryptedDateField`` and defines ``vault_key_ref()`` naming the data key that encrypts them
(its own, or its case's). The column holds only ciphertext; the attribute holds plaintext.

- Reading: a row loads as ciphertext and is decrypted on first access to that attribute, so a
  list page that shows only case codes never opens a key (lazy decryption).
- Writing: assigning a value keeps plaintext in memory; ``save()`` encrypts it in ``pre_save``,
  which, unlike ``get_prep_value``, sees the row, so the associated data binds the ciphertext to
  organisation, table, column and primary key (CRY-02). The primary key must therefore exist before
  the first save: models with encrypted fields use a UUID primary key with a default.
- Filtering on an encrypted column with a plaintext value, or ``QuerySet.update()`` with one,
  raises TypeError instead of sending plaintext to the database. Exact search goes through
  ``haven.vault.blind_index``.

A failed decryption raises ``DecryptionFailedError`` (logged and audited with identifiers only,
CRY-08); reading an erased record raises ``KeyDestroyedError``.
"""

import base64
import datetime
import json
import logging
from typing import Any

from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from haven.vault.aead import open_prepared, seal_prepared
from haven.vault.errors import DecryptionFailedError, KeyNotFoundError
from haven.vault.keyring import NO_DATA_KEY, KeyRef, KeyRing, OpenedKey, current_keyring

logger = logging.getLogger("haven.vault")

PLAINTEXT_IN_QUERY = (
    "Encrypted field {field} cannot be compared with or updated to a plaintext value in SQL; "
    "assign it on an instance and save, or search through a blind index."
)


class Ciphertext:
    """A stored ciphertext, with its plaintext cached once something has read it."""

    __slots__ = ("blob", "encoded", "plain")

    def __init__(self, blob: bytes, plain: Any = None, encoded: bytes | None = None) -> None:
        self.blob = blob
        self.plain = plain
        self.encoded = encoded

    def __repr__(self) -> str:
        return f"<Ciphertext {len(self.blob)} bytes>"

    def __reduce__(self) -> tuple[Any, ...]:
        # A pickled instance (e.g. in a cache backend) keeps the ciphertext, never the plaintext.
        return (Ciphertext, (self.blob,))


class Encoded:
    """
    A plaintext assigned with its encoding already made (``EncryptedField.encode``), for a caller
    that needed the bytes too: a matching run hashes the canonical JSON of its problem document,
    the very bytes its ``EncryptedJSONField`` seals, so it encodes the document once for both.
    ``save()`` seals ``encoded`` as given; the attribute reads ``plain`` until then.
    """

    __slots__ = ("encoded", "plain")

    def __init__(self, plain: Any, encoded: bytes) -> None:
        self.plain = plain
        self.encoded = encoded

    def __repr__(self) -> str:
        return f"<Encoded {len(self.encoded)} bytes>"


class RowKeys:
    """
    What every encrypted field of one row needs, worked out once per row and key ring.

    It holds the ring's entry for the row's data key (not the cipher itself, so the key goes
    when the ring's scope closes) and, per column, the authenticated data: header, organisation,
    table, primary key and column (CRY-02). Reading 20 fields of a case thus costs one key
    lookup and 20 decryptions, not 20 lookups and 20 string builds.
    """

    __slots__ = ("aad", "opened", "pk", "pk_attname", "prefix", "ref")

    def __init__(self, instance: models.Model, ring: KeyRing) -> None:
        self.pk_attname = instance._meta.pk.attname
        self.pk = instance.__dict__[self.pk_attname]
        self.ref: KeyRef = instance.vault_key_ref()  # type: ignore[attr-defined]
        self.opened = ring.opened_data_key(self.ref)
        table = instance._meta.db_table
        self.prefix = f"field|{self.ref.organisation_id}|{table}|{self.pk}|".encode()
        self.aad: dict[str, bytes] = {}

    def aad_for(self, field: "EncryptedField") -> bytes:
        """Return header + associated data of ``field`` in this row, building it on first use."""
        aad = self.aad[field.attname] = self.opened.header + self.prefix + field.column_bytes
        return aad


def row_keys(instance: models.Model) -> RowKeys:
    """
    Return the row's keys, rebuilding them if the key ring forgot them or the primary key moved.

    This runs once per field read or write, so the usual case is a dictionary read and three
    attribute reads; a primary key that is equal but not the same object just rebuilds.
    """
    values = instance.__dict__
    keys = values.get("_vault_row")
    if (
        keys is not None
        and keys.opened.cipher is not None
        and keys.pk is values.get(keys.pk_attname)
    ):
        return keys  # type: ignore[no-any-return]
    if instance.pk is None:
        raise ValueError(f"{type(instance).__name__} needs its primary key before encrypting.")
    keys = instance.__dict__["_vault_row"] = RowKeys(instance, keyring_for(instance))
    return keys


def keyring_for(instance: models.Model) -> KeyRing:
    """Return the open key ring, or one private to ``instance`` when no scope is open."""
    ring = current_keyring()
    if ring is not None:
        return ring
    ring = instance.__dict__.get("_vault_keyring")
    if ring is None:
        ring = instance.__dict__["_vault_keyring"] = KeyRing()
    return ring


class EncryptedAttribute(DeferredAttribute):
    """Descriptor that turns a loaded ciphertext into plaintext on first read."""

    field: "EncryptedField"

    def __init__(self, field: "EncryptedField") -> None:
        super().__init__(field)
        self.attname = field.attname
        self.decode = field.decode
        # Text (most encrypted values) is decoded in ``__get__`` itself; see there.
        self.text = isinstance(field, EncryptedTextField)

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        """
        Return the plaintext, decrypting it on the first read and caching it on the value.

        This is the field layer's hot path (every value a page shows comes through here once),
        so the row-key check and the decryption are written out here rather than in a method
        of the field, and text is decoded here as ``EncryptedTextField.decode`` does it rather
        than through that method: each Python call saved is a few percent of a small value's
        cost (``bench/vault.py``). ``tests/vault/test_fields.py`` reads text in every encoding,
        including UTF-8 sealed before the Latin-1 marker, through this path.
        """
        if instance is None:
            return self
        values = instance.__dict__
        try:
            value = values[self.attname]
        except KeyError:
            value = super().__get__(instance, cls)  # a deferred column: let Django load it
        if value.__class__ is not Ciphertext:
            # None, or plaintext assigned and not saved yet (perhaps with its encoding)
            return value if value.__class__ is not Encoded else value.plain
        if value.encoded is not None:
            return value.plain
        keys = values.get("_vault_row")
        if keys is None or keys.opened.cipher is None or keys.pk is not values.get(keys.pk_attname):
            keys = row_keys(instance)
        try:
            aad = keys.aad[self.attname]
        except KeyError:
            aad = keys.aad_for(self.field)
        opened = keys.opened
        try:
            encoded = open_prepared(opened.cipher, opened.header, value.blob, aad)
        except DecryptionFailedError:
            self.field.report_failure(instance, keys.ref)
            raise
        if self.text:  # ``EncryptedTextField.decode``, written out
            plain = (
                encoded.decode("latin-1")[1:]
                if encoded and encoded[0] == _LATIN_1_MARKER
                else encoded.decode()
            )
        else:
            plain = self.decode(encoded)
        value.plain = plain
        value.encoded = encoded
        return plain

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.attname] = value


class EncryptedField(models.BinaryField):  # type: ignore[type-arg]
    """Base class: a BinaryField whose attribute is plaintext and whose column is ciphertext."""

    descriptor_class = EncryptedAttribute  # which decrypts (see its ``__get__``)
    mutable = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.editable = True

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = list(super().check(**kwargs))
        if not callable(getattr(self.model, "vault_key_ref", None)):
            errors.append(
                checks.Error(
                    f"{self.model.__name__} has an encrypted field but no vault_key_ref() method.",
                    obj=self,
                    id="vault.E001",
                )
            )
        return errors

    # Serialisation of the plaintext; subclasses define the type.
    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        self.column_bytes = self.column.encode("ascii")

    # Database conversion -----------------------------------------------------------------
    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Ciphertext | None:
        return None if value is None else Ciphertext(bytes(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, bytes | memoryview):
            return value
        if isinstance(value, Ciphertext):
            return value.blob
        raise TypeError(PLAINTEXT_IN_QUERY.format(field=self.name))

    def value_from_object(self, obj: models.Model) -> Any:
        return getattr(obj, self.attname)

    def value_to_string(self, obj: models.Model) -> Any:
        """Serialise as stored, so ``dumpdata`` and fixtures carry ciphertext, never plaintext."""
        stored = obj.__dict__.get(self.attname)
        if stored is None:
            return None
        if not isinstance(stored, Ciphertext):
            raise TypeError(f"{self.name} holds unsaved plaintext; save before serialising.")
        return base64.b64encode(stored.blob).decode("ascii")

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None:
            return None
        if value.__class__ is Encoded:
            return self.seal_for(model_instance, value.plain, value.encoded)
        if isinstance(value, Ciphertext):
            if (
                not self.mutable
                or value.encoded is None
                or self.encode(value.plain) == value.encoded
            ):
                return value.blob
            value = value.plain
        return self.seal_for(model_instance, value)

    def seal_for(self, instance: models.Model, value: Any, encoded: bytes | None = None) -> bytes:
        """
        Encrypt ``value`` for this column of ``instance`` and keep it cached as read; ``encoded``
        is ``self.encode(value)`` when the caller made it already (``Encoded``).
        """
        values = instance.__dict__
        keys = values.get("_vault_row")
        if keys is None or keys.opened.cipher is None or keys.pk is not values.get(keys.pk_attname):
            keys = row_keys(instance)
        if encoded is None:
            encoded = self.encode(value)
        try:
            aad = keys.aad[self.attname]
        except KeyError:
            aad = keys.aad_for(self)
        opened = keys.opened
        blob = seal_prepared(opened.cipher, opened.header, encoded, aad)  # type: ignore[arg-type]
        plain = value if value.__class__ is str or self.mutable else self.decode(encoded)
        values[self.attname] = Ciphertext(blob, plain, encoded)
        return blob

    def report_failure(self, instance: models.Model, ref: KeyRef) -> None:
        report_failure(keyring_for(instance), type(instance), self.column, ref, instance.pk)


def report_failure(
    ring: KeyRing, model: type[models.Model], column: str, ref: KeyRef, pk: Any
) -> None:
    """Log and audit a value of ``column`` in row ``pk`` that failed to decrypt (CRY-08)."""
    logger.warning(
        "decrypt_failed",
        extra={"table": model._meta.db_table, "column": column, "row": str(pk)},
    )
    ring.report_decryption_failure(
        organisation_id=ref.organisation_id,
        object_type=model._meta.model_name or "",
        object_id=str(pk),
        column=column,
    )


class SealedColumn:
    """
    One encrypted column of rows read as plain values (``values_list``), decrypted without
    model instances.

    For reads that decrypt every row of a large set once, such as a matching run reading
    hundreds of cases' facts and records: building a model instance per row, its row keys and
    its cached plaintext cost more than the decryption. Each value is opened exactly as the
    attribute opens it: the key of ``ref`` from the ring (open the keys of the whole set first
    with ``KeyRing.prefetch``), the same associated data (header, organisation, table, primary
    key, column: CRY-02), and a failure logged and audited the same way (CRY-08).
    """

    __slots__ = ("column", "column_bytes", "decode", "model", "row_prefixes", "table")

    def __init__(self, model: type[models.Model], name: str) -> None:
        field = model._meta.get_field(name)
        if not isinstance(field, EncryptedField):
            raise TypeError(f"{model.__name__}.{name} is not an encrypted field.")
        self.model = model
        self.table = model._meta.db_table
        self.column = field.column
        self.column_bytes = field.column_bytes
        self.decode = field.decode
        #: ``field|organisation|table|`` by organisation id: the associated data's start, the
        #: same for every row of one organisation, so its UUID is formatted once, not per value.
        self.row_prefixes: dict[Any, str] = {}

    def open(
        self, ring: KeyRing, ref: KeyRef, pk: Any, stored: Ciphertext | bytes | memoryview | None
    ) -> Any:
        """
        The plaintext of ``stored``, the column's value in row ``pk`` sealed under ``ref``: as
        the field loads it (a ``Ciphertext``), or the column's bytes read some other way.
        """
        if stored is None:
            return None
        return self.open_with(
            ring, ref, ring.opened_data_key(ref), self.row_prefix(ref.organisation_id), pk, stored
        )

    def row_prefix(self, organisation_id: Any) -> str:
        """The associated data's start for the rows of one organisation (``open_with``)."""
        prefix = self.row_prefixes.get(organisation_id)
        if prefix is None:
            prefix = self.row_prefixes[organisation_id] = f"field|{organisation_id}|{self.table}|"
        return prefix

    def open_with(
        self,
        ring: KeyRing,
        ref: KeyRef,
        opened: OpenedKey,
        prefix: str,
        pk: Any,
        stored: Ciphertext | bytes | memoryview | None,
    ) -> Any:
        """
        ``open`` with the key of ``ref`` already taken from the ring (``opened_data_key``) and
        the associated data's start for its organisation (``row_prefix``): for a caller opening
        many values of one record (a case's facts and records in a matching run), which looks
        them up once instead of per value. The key is checked per value all the same.
        """
        if stored is None:
            return None
        blob = stored.blob if isinstance(stored, Ciphertext) else bytes(stored)
        if opened.cipher is None:  # revoked: fail closed, as ``KeyRing.data_key`` does
            raise KeyNotFoundError(NO_DATA_KEY.format(owner_type=ref.owner_type))
        aad = opened.header + f"{prefix}{pk}|".encode() + self.column_bytes
        try:
            return self.decode(open_prepared(opened.cipher, opened.header, blob, aad))
        except DecryptionFailedError:
            report_failure(ring, self.model, self.column, ref, pk)
            raise


#: First byte of a text sealed as Latin-1 (see ``EncryptedTextField``); never a byte of UTF-8.
LATIN_1_TEXT = b"\xff"
_LATIN_1_MARKER = LATIN_1_TEXT[0]
_LATIN_1_PREFIX = LATIN_1_TEXT.decode("latin-1")
#: The memory size of a CPython string of one byte per character, less its length: a cheap
#: hint that text fits Latin-1 (the encoding below is tried either way, so it only saves time).
_STRING_SIZE = str.__sizeof__
_ONE_BYTE_STRING = _STRING_SIZE("\xe9") - 1


class EncryptedTextField(EncryptedField):
    """
    Encrypted text; ``max_length`` limits the plaintext.

    Text is sealed as UTF-8, except text that is not ASCII but fits Latin-1 (Spanish, French,
    Portuguese: most of what caseworkers type), which is sealed as ``LATIN_1_TEXT`` followed by
    its Latin-1 bytes: a plain copy of how Python holds such a string, where UTF-8 costs a
    conversion each way (a third of the field layer's time on accented text, ``bench/vault.py``).
    The marker byte never occurs in UTF-8, so values sealed before it existed read unchanged.
    The encoding is inside the ciphertext, so it is authenticated like the text itself.
    """

    def encode(self, value: Any) -> bytes:
        if value.__class__ is not str and not isinstance(value, str):
            raise TypeError(f"{self.name} holds text, not {type(value).__name__}.")
        text: str = value
        if text.isascii():  # constant time in CPython; the bytes are the text's UTF-8 too
            return text.encode()
        if _STRING_SIZE(text) - len(text) == _ONE_BYTE_STRING:
            try:
                return (_LATIN_1_PREFIX + text).encode("latin-1")
            except UnicodeEncodeError:  # the hint was wrong (another Python): use UTF-8
                pass
        return text.encode()

    def decode(self, data: bytes) -> str:
        if data and data[0] == _LATIN_1_MARKER:  # an int comparison: cheaper than startswith
            return data.decode("latin-1")[1:]
        return data.decode()


#: The one encoder and decoder of every JSON value sealed: ``json.dumps`` and ``json.loads``
#: build an encoder per call and sniff the bytes' encoding, a third of a small value's cost,
#: and a matching run decodes some 700 values (``bench/matching_runs.py``).
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
_JSON_DECODER = json.JSONDecoder()
_JSON_SCAN = _JSON_DECODER.scan_once  # type: ignore[attr-defined]


class EncryptedJSONField(EncryptedField):
    """
    Encrypted JSON (dicts and lists); changes made in place are saved too.

    Values are sealed as compact UTF-8 JSON with sorted keys, the canonical form
    ``haven.domain.matching.problem.canonical_json`` writes and ``input_sha256`` hashes, so the
    same bytes serve both (a matching run assigns its problem as ``Encoded``).
    """

    mutable = True

    def encode(self, value: Any) -> bytes:
        return _JSON_ENCODER.encode(value).encode()

    def decode(self, data: bytes) -> Any:
        try:
            text = data.decode()  # ``encode`` writes UTF-8 only
        except UnicodeDecodeError:
            return json.loads(data)  # any other encoding JSON allows, as before
        # What ``encode`` writes is one value with no whitespace around it, which the decoder's
        # scanner reads without ``decode``'s two whitespace matches (half the cost of a small
        # value; a matching run decodes some 700). Anything else, whitespace or an error
        # included, goes through ``decode`` as before.
        try:
            value, end = _JSON_SCAN(text, 0)
        except StopIteration:
            return _JSON_DECODER.decode(text)
        if end != len(text):
            return _JSON_DECODER.decode(text)
        return value


class EncryptedDateField(EncryptedField):
    """An encrypted calendar date."""

    def encode(self, value: Any) -> bytes:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise TypeError(f"{self.name} holds a date, not {type(value).__name__}.")
        return value.isoformat().encode()

    def decode(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode())
