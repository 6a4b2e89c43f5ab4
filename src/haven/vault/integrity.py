"""
Checking that everything encrypted can still be opened: what ``haven vault verify`` runs.

An operator runs it after a restore, a key rotation or a disk scare. Every encrypted column of
every row is decrypted (and thrown away), so is every value sealed outside those columns whose app
registers an opener (TOTP seeds), and every stored file is decrypted to nowhere by the
opener its app registers. Records of erased cases cannot be opened by design (their key is
destroyed, CRY-06); they are counted apart and are not failures. Anything else that does not
open (a changed ciphertext, a missing key, a file cut short or gone) is a failure, reported with
table, column and row id only, never with content (CRY-08).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from haven.vault.backup import stored_file_names
from haven.vault.errors import KeyDestroyedError, VaultError
from haven.vault.fields import EncryptedField
from haven.vault.keyring import KeyRing, keyring_scope
from haven.vault.models import PendingFileDeletion
from haven.vault.storage import orphan_files, pending_deletions

BATCH_ROWS = 500
MISSING_FILE = "missing from the file storage"

FileOpener = Callable[[models.Model, KeyRing], None]
ValueOpener = Callable[[models.Model], object]


@dataclass
class IntegrityReport:
    values_opened: int = 0
    values_erased: int = 0
    files_opened: int = 0
    files_erased: int = 0
    failures: list[str] = field(default_factory=list)
    # Stored files no row names and no pending deletion covers (an upload cut off before its
    # row committed): listed for the operator, not failures, since nothing readable is lost.
    orphans: list[str] = field(default_factory=list)
    # Deletions after an erasure that failed or have not run yet; ``haven worker`` retries them.
    pending: list[PendingFileDeletion] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.failures


_FILE_OPENERS: dict[str, FileOpener] = {}
_VALUE_OPENERS: dict[str, ValueOpener] = {}


def register_value_opener(model_label: str, opener: ValueOpener) -> None:
    """
    Register how to open a value sealed outside the encrypted fields (a TOTP seed, say).

    ``opener(instance)`` returns the plaintext, which is thrown away, or raises a VaultError.
    """
    _VALUE_OPENERS[model_label] = opener


def register_file_opener(model_label: str, opener: FileOpener) -> None:
    """
    Register how to open the stored file of each ``model_label`` row for verification.

    ``opener(instance, ring)`` decrypts the file completely and discards the plaintext; it raises
    KeyDestroyedError for an erased record, FileNotFoundError for a missing file and another
    VaultError for one that does not authenticate.
    """
    _FILE_OPENERS[model_label] = opener


def encrypted_models() -> Iterator[tuple[type[models.Model], list[EncryptedField]]]:
    for model in apps.get_models():
        columns = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if columns and model._meta.managed and not model._meta.proxy:
            yield model, columns


def _where(instance: models.Model, column: str = "") -> str:
    table = instance._meta.db_table
    return f"{table}.{column} row {instance.pk}" if column else f"{table} row {instance.pk}"


def verify_values(report: IntegrityReport) -> None:
    """Decrypt every encrypted value of every row; count what opened, what was erased, what failed."""
    for model, columns in encrypted_models():
        for instance in model._base_manager.order_by("pk").iterator(chunk_size=BATCH_ROWS):
            with keyring_scope():
                for column in columns:
                    if instance.__dict__.get(column.attname) is None:
                        continue
                    try:
                        getattr(instance, column.attname)
                    except KeyDestroyedError:
                        report.values_erased += 1
                    except (VaultError, ValueError) as error:
                        report.failures.append(
                            f"{_where(instance, column.column)}: {type(error).__name__}"
                        )
                    else:
                        report.values_opened += 1
    for label, opener in _VALUE_OPENERS.items():
        model = apps.get_model(label)
        for instance in model._base_manager.order_by("pk").iterator(chunk_size=BATCH_ROWS):
            with keyring_scope():
                try:
                    opener(instance)
                except KeyDestroyedError:
                    report.values_erased += 1
                except (VaultError, ValueError) as error:
                    report.failures.append(f"{_where(instance)}: {type(error).__name__}")
                else:
                    report.values_opened += 1


def verify_files(report: IntegrityReport) -> None:
    """Decrypt every registered stored file to nowhere; count what opened, was erased or failed."""
    for label, opener in _FILE_OPENERS.items():
        model = apps.get_model(label)
        for instance in model._base_manager.order_by("pk").iterator(chunk_size=BATCH_ROWS):
            with keyring_scope() as ring:
                try:
                    opener(instance, ring)
                except KeyDestroyedError:
                    report.files_erased += 1
                except (FileNotFoundError, IsADirectoryError):
                    report.failures.append(f"{_where(instance)}: file {MISSING_FILE}")
                except (VaultError, ValueError, OSError) as error:
                    report.failures.append(f"{_where(instance)}: file {type(error).__name__}")
                else:
                    report.files_opened += 1


def verify_vault() -> IntegrityReport:
    """Open every encrypted value and every stored file; the report lists any failure."""
    report = IntegrityReport()
    verify_values(report)
    verify_files(report)
    report.pending = pending_deletions()
    covered = {pending.storage_name for pending in report.pending}
    report.orphans = orphan_files(set(stored_file_names()) | covered)
    return report


class Discard:
    """A sink that counts what is written to it and keeps nothing."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, data: Any) -> int:
        self.written += len(data)
        return len(data)
