"""``haven backup`` and ``haven restore``: encrypted snapshots without the master key (BAK-01)."""

import argparse
import itertools
from pathlib import Path

from haven.cli.age_options import add_opening_options, add_sealing_options, opened_with, sealed_to
from haven.cli.commands import Subparsers, add_command, refuse
from haven.cli.django_setup import needs_django


@needs_django
def backup(args: argparse.Namespace) -> int:
    """write an age-encrypted snapshot of the database (without the master key)

    Write a consistent snapshot of every table and evidence file, encrypted with age to a
    passphrase or an X25519 recipient as it is read, so memory does not grow with the database.
    Encrypted fields stay encrypted and organisation keys stay wrapped: restoring needs the same
    master key, kept apart from backups.
    """
    from haven.audit.events import EventType
    from haven.audit.services import record_event
    from haven.vault import archives
    from haven.vault.backup import snapshot_chunks
    from haven.vault.errors import VaultError

    out = Path(args.out)
    if not out.parent.is_dir():
        return refuse("backup", f"the folder of {out} does not exist")
    try:
        size = archives.encrypt_to_file(snapshot_chunks(), out, **sealed_to(args))
    except (archives.ArchiveError, VaultError) as error:
        return refuse("backup", f"{error} Nothing was written.")
    record_event(EventType.BACKUP_CREATED, data={"bytes": size})
    print(f"backup written to {out} (age-encrypted; the master key is not in it)")
    return 0


@needs_django
def restore(args: argparse.Namespace) -> int:
    """load a backup into a new, empty database

    Migrate the configured database, then load the backup into it in one transaction, decrypting
    and reading it as a stream. Refuses a database that already holds data, a wrong passphrase or
    identity, a damaged file, or a master key that cannot open the backup's keys; in each case
    nothing is written.
    """
    from django.core.management import call_command

    from haven.audit.events import EventType
    from haven.audit.services import record_event
    from haven.vault import archives
    from haven.vault.backup import restore_stream
    from haven.vault.errors import VaultError

    path = Path(args.file)
    if not path.is_file():
        return refuse("restore", f"{args.file} cannot be read")
    try:
        pieces = archives.decrypt_file_chunks(path, name=args.file, **opened_with(args))
        # The first piece proves the passphrase or identity before the database is touched; the
        # rest is decrypted, decompressed and loaded as it is read (memory stays flat).
        first = next(pieces, b"")
        call_command("migrate", verbosity=0, interactive=False)
        report = restore_stream(itertools.chain([first], pieces))
    except (archives.ArchiveError, VaultError) as error:
        return refuse("restore", error)
    record_event(EventType.BACKUP_RESTORED, data={"rows": report.rows})
    print(
        f"restored {report.rows} rows in {report.tables} tables and {report.files} files; "
        "run `haven vault verify` and `haven audit verify`"
    )
    return 0


def register(subparsers: Subparsers) -> None:
    writer = add_command(subparsers, "backup", backup)
    writer.add_argument("--out", required=True, help="the encrypted file to write")
    add_sealing_options(
        writer,
        "file holding the passphrase (age's scrypt mode, work factor timed to "
        "about a second on this machine)",
        "an age public key (age1...), ideally kept offline",
    )
    reader = add_command(subparsers, "restore", restore)
    reader.add_argument("file", help="the backup file")
    add_opening_options(
        reader,
        "file holding the passphrase",
        "age identity file (AGE-SECRET-KEY-...)",
        required=True,
    )
