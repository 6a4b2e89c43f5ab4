"""``haven cases import`` and ``haven cases export`` (format: spec/case-import.schema.json)."""

import argparse
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from haven.cli.age_options import add_opening_options, add_sealing_options, opened_with, sealed_to
from haven.cli.commands import Subparsers, add_command, command_group, refuse
from haven.cli.django_setup import needs_django
from haven.cli.documents import DocumentError, parse_document
from haven.cli.orgs import organisation_by_slug

if TYPE_CHECKING:
    from haven.organisations.models import Organisation


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError("give a number from 1 to 10000")
    return value


@needs_django
def import_cases(args: argparse.Namespace) -> int:
    """import cases from a haven.case-import/1 file, all or nothing

    Import cases from a JSON file in the haven.case-import/1 format, plain or age-encrypted. An
    invalid file is rejected with each error's JSON path and nothing is written. A case whose code
    exists is updated. The import commits in small batches so the web app keeps answering; new
    cases stay invisible until the last batch is in, and if the command is interrupted, running it
    again with the same file finishes the job.
    """
    from haven.accounts.acting import SYSTEM
    from haven.cases.errors import CaseError
    from haven.cases.transfer import ImportConflictError, ImportInvalidError, cases_import
    from haven.vault import archives
    from haven.vault.errors import VaultError

    organisation = organisation_by_slug(args.org)
    if organisation is None:
        return refuse("cases import", f"no organisation with the slug {args.org!r}")
    if args.abandon:
        return _abandon(organisation, args.abandon)
    if not args.file:
        return refuse("cases import", "give the file to import, or --abandon with an import id")
    try:
        data = Path(args.file).read_bytes()
    except OSError:
        return refuse("cases import", f"{args.file} cannot be read")
    try:
        if data.startswith(archives.AGE_HEADER):
            if not (args.passphrase_file or args.identity_file):
                return refuse(
                    "cases import",
                    f"{args.file} is encrypted: give --passphrase-file or --identity-file",
                )
            data = archives.decrypt(data, name=args.file, **opened_with(args))
        report = cases_import(
            membership=SYSTEM,
            organisation=organisation,
            document=parse_document(data),
            batch_size=args.batch_size,
        )
    except DocumentError as invalid:
        print(f"haven cases import: {args.file} is invalid; nothing was imported:", file=sys.stderr)
        for path, message in invalid.problems:
            print(f"  {path}: {message}", file=sys.stderr)
        return 2
    except ImportInvalidError as invalid:
        print(f"haven cases import: {args.file} is invalid; nothing was imported:", file=sys.stderr)
        for path, message in invalid.errors:
            print(f"  {path}: {message}", file=sys.stderr)
        return 2
    except ImportConflictError as error:
        return refuse("cases import", error)
    except (archives.ArchiveError, VaultError, CaseError) as error:
        return refuse(
            "cases import",
            f"{error} Cases already committed stay staged, invisible to members; import the "
            "same file again to finish, or give the import up with --abandon and its id.",
        )
    print(
        f"imported into {organisation.slug}: {report.created} new, {report.updated} updated "
        f"(import {report.run_id})"
    )
    return 0


def _abandon(organisation: "Organisation", run_id: uuid.UUID) -> int:
    from haven.accounts.acting import SYSTEM
    from haven.cases.errors import CaseError
    from haven.cases.transfer import cases_import_abandon

    try:
        report = cases_import_abandon(membership=SYSTEM, organisation=organisation, run_id=run_id)
    except CaseError as error:
        return refuse("cases import", error)
    print(
        f"abandoned import {run_id} into {organisation.slug}: {report.removed} staged cases "
        f"removed; {report.updated_kept} existing cases it had updated keep those updates"
    )
    return 0


def _import_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not an import id") from None


@needs_django
def export_cases(args: argparse.Namespace) -> int:
    """export an organisation's cases, age-encrypted

    Write every live case of the organisation in the haven.case-import/1 format, encrypted with age
    to a passphrase or an X25519 recipient. A plaintext file is never written; open it with
    `age -d`.
    """
    from haven.accounts.acting import SYSTEM
    from haven.cases.transfer import cases_export
    from haven.vault import archives
    from haven.vault.errors import VaultError

    organisation = organisation_by_slug(args.org)
    if organisation is None:
        return refuse("cases export", f"no organisation with the slug {args.org!r}")
    out = Path(args.out)
    if not out.parent.is_dir():
        return refuse("cases export", f"the folder of {out} does not exist")
    try:
        sealed = sealed_to(args)

        def seal(data: bytes) -> bytes:
            return archives.encrypt(data, **sealed)

        artifact = cases_export(membership=SYSTEM, organisation=organisation, seal=seal)
        archives.write_atomically(out, artifact)
    except (archives.ArchiveError, VaultError) as error:
        return refuse("cases export", f"{error} Nothing was written.")
    print(f"exported {organisation.slug} to {out} (age-encrypted)")
    return 0


def register(subparsers: Subparsers) -> None:
    commands = command_group(
        subparsers, "cases", summary="import and export cases (encrypted with age)"
    )
    importer = add_command(commands, "import", import_cases)
    importer.add_argument("file", nargs="?", help="the file to import")
    importer.add_argument("--org", required=True, help="the organisation's slug")
    add_opening_options(
        importer,
        "passphrase of an age-encrypted file",
        "age identity (AGE-SECRET-KEY-...) for the file",
        required=False,
    )
    importer.add_argument(
        "--batch-size",
        type=_positive,
        default=10,
        help="cases per committed batch (default 10); smaller batches hold locks for less time",
    )
    importer.add_argument(
        "--abandon",
        metavar="IMPORT_ID",
        type=_import_id,
        help="instead of importing, give up the unfinished import with this id (printed by the "
        "import and in its error): its staged cases are deleted; cases it updated stay updated",
    )

    exporter = add_command(commands, "export", export_cases)
    exporter.add_argument("--org", required=True, help="the organisation's slug")
    exporter.add_argument("--out", required=True, help="the encrypted file to write")
    add_sealing_options(
        exporter,
        "file holding the passphrase",
        "the partner's age public key (age1...)",
    )
