"""``haven keys ...``: create the master key and rotate keys (CRY-04, CRY-05, CRY-07)."""

import argparse
import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from haven.cli.commands import Subparsers, add_command, command_group, refuse
from haven.cli.django_setup import needs_django
from haven.cli.orgs import organisation_by_slug

if TYPE_CHECKING:
    from haven.vault.rotation import RotationReport


@needs_django
def init_master(args: argparse.Namespace) -> int:
    """write a new random master key file (never overwrites one)

    Write a new master key (mode 0600) to --out or HAVEN_MASTER_KEY_FILE.
    """
    from django.conf import settings

    from haven.vault.errors import VaultError
    from haven.vault.masterkey import write_master_key_file

    path = Path(args.out) if args.out else settings.HAVEN_MASTER_KEY_FILE
    if not path:
        return refuse("keys init-master", "no --out given and HAVEN_MASTER_KEY_FILE is not set")
    try:
        key = write_master_key_file(Path(path))
    except VaultError as error:
        return refuse("keys init-master", error)
    print(f"master key {key.key_id} written to {path} (mode 0600); escrow a copy off this host")
    return 0


def _progress_shown(report: "RotationReport", keys: str, new_key: str) -> None:
    """
    Say what one run of a resumable rotation re-wrapped and, while ``keys`` are left, that the
    same command carries on with them: both rotations stop after --max-rows and resume.
    """
    print(f"re-wrapped {report.rewrapped} {keys} under {new_key}")
    if not report.finished:
        print(f"{report.remaining} {keys} remain: run the same command again to finish")


@needs_django
def rotate_master(args: argparse.Namespace) -> int:
    """re-wrap every organisation key under a new master key (resumable)

    Re-wrap every organisation key under the master key in --new-key-file (created if absent). The
    current master key must still be configured. Safe to stop and run again: it carries on with the
    keys that are left.
    """
    from haven.vault.errors import VaultError
    from haven.vault.masterkey import read_master_key_file, write_master_key_file
    from haven.vault.rotation import rotate_master as rotate

    path = Path(args.new_key_file)
    try:
        new_master = read_master_key_file(path) if path.exists() else write_master_key_file(path)
        report = rotate(new_master=new_master, max_rows=args.max_rows)
    except VaultError as error:
        return refuse("keys rotate-master", error)
    _progress_shown(report, "organisation keys", f"master key {new_master.key_id}")
    if not report.finished:
        return 0
    print(
        f"done: make {path}'s key the first in the server's key file and keep the old one second, "
        "run `haven audit seal` so the audit events the old key sealed stay verifiable, then "
        "remove the old key and destroy it once every backup made under it has expired"
    )
    return 0


@needs_django
def rotate_org(args: argparse.Namespace) -> int:
    """start or resume rotating one organisation's key (re-wraps its data keys)

    Create a new organisation data key and re-wrap every case and defender data key under it. If an
    earlier run was interrupted, resume it instead. Safe to stop and run again.
    """
    from haven.vault.errors import VaultError
    from haven.vault.rotation import rotate_organisation

    organisation = organisation_by_slug(args.slug)
    if organisation is None:
        return refuse("keys rotate-org", f"no organisation with the slug {args.slug!r}")
    try:
        report = rotate_organisation(organisation=organisation, max_rows=args.max_rows)
    except VaultError as error:
        return refuse("keys rotate-org", error)
    _progress_shown(report, "data keys", f"organisation key v{report.version}")
    return 0


@needs_django
def destroy_retired(args: argparse.Namespace) -> int:
    """destroy retired organisation keys once backups made under them have expired

    Destroy retired organisation data keys no live record uses, retired at least --older-than-days
    ago (set it to the backup retention). Erased cases in older backups become unreadable for good.
    """
    from django.utils import timezone

    from haven.vault.rotation import destroy_retired_keys

    organisation = organisation_by_slug(args.slug)
    if organisation is None:
        return refuse("keys destroy-retired", f"no organisation with the slug {args.slug!r}")
    if args.older_than_days < 0:
        return refuse("keys destroy-retired", "--older-than-days cannot be negative")
    cutoff = timezone.now() - datetime.timedelta(days=args.older_than_days)
    destroyed = destroy_retired_keys(organisation=organisation, retired_before=cutoff)
    print(f"destroyed {destroyed} retired organisation key version(s)")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers: Subparsers) -> None:
    commands = command_group(
        subparsers, "keys", summary="create the master key and rotate encryption keys"
    )
    init = add_command(commands, "init-master", init_master)
    init.add_argument("--out", help="where to write the key (default: HAVEN_MASTER_KEY_FILE)")

    master = add_command(commands, "rotate-master", rotate_master)
    master.add_argument("--new-key-file", required=True, help="file holding the new master key")
    master.add_argument("--max-rows", type=_positive, help="stop after re-wrapping this many keys")

    org = add_command(commands, "rotate-org", rotate_org)
    org.add_argument("slug", help="the organisation's slug")
    org.add_argument("--max-rows", type=_positive, help="stop after re-wrapping this many keys")

    destroy = add_command(commands, "destroy-retired", destroy_retired)
    destroy.add_argument("slug", help="the organisation's slug")
    destroy.add_argument("--older-than-days", type=int, required=True)
