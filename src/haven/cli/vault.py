"""
``haven vault verify``: open every encrypted value and every stored file (after restore or
rotation). ``haven vault reindex``: recompute every blind-index token (after a normaliser changes).
"""

import argparse
import sys

from haven.cli.commands import Subparsers, add_command, command_group, refuse
from haven.cli.django_setup import needs_django

MAX_FAILURES_LISTED = 50


@needs_django
def verify(args: argparse.Namespace) -> int:
    """open every encrypted value and every stored file; exit 1 on any failure

    Decrypt every encrypted value of every record and every stored evidence file, then report how
    many opened. Records of erased cases are counted apart: their keys were destroyed on purpose.
    Stored files waiting for a deletion `haven worker` retries are listed as PENDING, other files
    no record names as ORPHAN. Exits 0 when everything opens, 1 listing each failure (table, column
    and row id only), 2 when the master key is missing or wrong. Run it after a restore or a key
    rotation.
    """
    from haven.vault.errors import VaultError
    from haven.vault.integrity import verify_vault
    from haven.vault.storage import delete_orphans

    try:
        report = verify_vault()
    except VaultError as error:
        return refuse("vault verify", error)
    print(
        f"opened {report.values_opened} encrypted values and {report.files_opened} files; "
        f"{report.values_erased} values and {report.files_erased} files belong to erased "
        "records and are unreadable by design"
    )
    if report.pending:
        print(
            f"{len(report.pending)} stored files of erased records wait for deletion "
            "(`haven worker` tries again):"
        )
        for pending in report.pending[:MAX_FAILURES_LISTED]:
            print(
                f"PENDING {pending.storage_name} attempts {pending.attempts}"
                f"{f' ({pending.last_error})' if pending.last_error else ''}, "
                f"next {pending.next_attempt_at:%Y-%m-%d %H:%M} UTC"
            )
    if report.orphans:
        print(f"{len(report.orphans)} stored files are named by no record (orphans):")
        for name in report.orphans[:MAX_FAILURES_LISTED]:
            print(f"ORPHAN {name}")
        if args.delete_orphans:
            deleted = delete_orphans(report.orphans)
            print(f"deleted {deleted} orphans older than an hour")
    if report.intact:
        print("vault intact")
        return 0
    for failure in report.failures[:MAX_FAILURES_LISTED]:
        print(f"FAILED {failure}", file=sys.stderr)
    if len(report.failures) > MAX_FAILURES_LISTED:
        print(f"... and {len(report.failures) - MAX_FAILURES_LISTED} more", file=sys.stderr)
    print(f"vault BROKEN: {len(report.failures)} failures", file=sys.stderr)
    return 1


@needs_django
def reindex(args: argparse.Namespace) -> int:
    """recompute every defender's blind-index tokens

    Recompute the search tokens of every defender who is not erased with the current normalisers,
    a batch at a time (each batch commits; run again to finish a run that was stopped). Cases
    migration 0008 runs it once when it adds the partial-search indexes. Exits 2 when the master
    key is missing or wrong.
    """
    from haven.cases.services import defenders_reindex
    from haven.vault.errors import VaultError

    try:
        count = defenders_reindex(batch_size=args.batch_size)
    except VaultError as error:
        return refuse("vault reindex", error)
    print(f"re-indexed {count} defenders")
    return 0


def register(subparsers: Subparsers) -> None:
    commands = command_group(subparsers, "vault", summary="check the encrypted data and files")
    verify_parser = add_command(commands, "verify", verify)
    verify_parser.add_argument(
        "--delete-orphans",
        action="store_true",
        help="delete stored files no record names and no pending deletion covers (an upload "
        "cut off before its record was saved), if older than an hour; deletions pending after an "
        "erasure are retried by `haven worker`",
    )
    reindex_parser = add_command(commands, "reindex", reindex)
    reindex_parser.add_argument("--batch-size", type=int, default=200)
