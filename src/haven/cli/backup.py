"""``haven backup`` and ``haven restore``: encrypted snapshots without the master key (BAK-01)."""

import argparse
import itertools
import sys
from pathlib import Path

from haven.cli import django_setup


def _fail(command: str, message: object) -> int:
    print(f"haven {command}: {message}", file=sys.stderr)
    return 2


def backup(args: argparse.Namespace) -> int:
    django_setup.setup()
    from haven.audit.events import EventType
    from haven.audit.services import record_event
    from haven.vault import archives
    from haven.vault.backup import snapshot_chunks
    from haven.vault.errors import VaultError

    out = Path(args.out)
    if not out.parent.is_dir():
        return _fail("backup", f"the folder of {out} does not exist")
    try:
        if args.passphrase_file:
            passphrase = archives.read_passphrase_file(args.passphrase_file)
            size = archives.encrypt_to_file(snapshot_chunks(), out, passphrase=passphrase)
        else:
            recipient = archives.parse_recipient(args.recipient)
            size = archives.encrypt_to_file(snapshot_chunks(), out, recipients=[recipient])
    except (archives.ArchiveError, VaultError) as error:
        return _fail("backup", f"{error} Nothing was written.")
    record_event(EventType.BACKUP_CREATED, data={"bytes": size})
    print(f"backup written to {out} (age-encrypted; the master key is not in it)")
    return 0


def restore(args: argparse.Namespace) -> int:
    django_setup.setup()
    from django.core.management import call_command

    from haven.audit.events import EventType
    from haven.audit.services import record_event
    from haven.vault import archives
    from haven.vault.backup import restore_stream
    from haven.vault.errors import VaultError

    path = Path(args.file)
    if not path.is_file():
        return _fail("restore", f"{args.file} cannot be read")
    try:
        if args.passphrase_file:
            pieces = archives.decrypt_file_chunks(
                path, name=args.file, passphrase=archives.read_passphrase_file(args.passphrase_file)
            )
        else:
            pieces = archives.decrypt_file_chunks(
                path, name=args.file, identities=archives.read_identity_file(args.identity_file)
            )
        # The first piece proves the passphrase or identity before the database is touched; the
        # rest is decrypted, decompressed and loaded as it is read (memory stays flat).
        first = next(pieces, b"")
        call_command("migrate", verbosity=0, interactive=False)
        report = restore_stream(itertools.chain([first], pieces))
    except (archives.ArchiveError, VaultError) as error:
        return _fail("restore", error)
    record_event(EventType.BACKUP_RESTORED, data={"rows": report.rows})
    print(
        f"restored {report.rows} rows in {report.tables} tables and {report.files} files; "
        "run `haven vault verify` and `haven audit verify`"
    )
    return 0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    writer = subparsers.add_parser(
        "backup",
        help="write an age-encrypted snapshot of the database (without the master key)",
        description="Write a consistent snapshot of every table and evidence file, encrypted "
        "with age to a passphrase or an X25519 recipient as it is read, so memory does not grow "
        "with the database. Encrypted fields stay encrypted and organisation keys stay wrapped: "
        "restoring needs the same master key, kept apart from backups.",
    )
    writer.add_argument("--out", required=True, help="the encrypted file to write")
    secret = writer.add_mutually_exclusive_group(required=True)
    secret.add_argument(
        "--passphrase-file",
        help="file holding the passphrase (age's scrypt mode, work factor timed to about a "
        "second on this machine)",
    )
    secret.add_argument("--recipient", help="an age public key (age1...), ideally kept offline")
    writer.set_defaults(handler=backup)

    reader = subparsers.add_parser(
        "restore",
        help="load a backup into a new, empty database",
        description="Migrate the configured database, then load the backup into it in one "
        "transaction, decrypting and reading it as a stream. Refuses a database that already holds data, a wrong passphrase or "
        "identity, a damaged file, or a master key that cannot open the backup's keys; in "
        "each case nothing is written.",
    )
    reader.add_argument("file", help="the backup file")
    secret = reader.add_mutually_exclusive_group(required=True)
    secret.add_argument("--passphrase-file", help="file holding the passphrase")
    secret.add_argument("--identity-file", help="age identity file (AGE-SECRET-KEY-...)")
    reader.set_defaults(handler=restore)
