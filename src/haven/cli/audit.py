"""``haven audit verify | seal | checkpoint``: check, anchor and checkpoint the audit chain."""

import argparse
import json
import sys
import syslog
from pathlib import Path

from haven.cli.commands import Subparsers, add_command, command_group, refuse
from haven.cli.django_setup import needs_django


@needs_django
def verify(args: argparse.Namespace) -> int:
    """recompute the keyed hash chain; exit 0 if intact, 1 naming the first bad event

    Recompute every link of the audit chain with the key derived from the master key. Exits 0 when
    the chain is intact and 1, naming the first changed, missing or reordered event, when it is not.
    With --checkpoint, also proves that none of the events the checkpoint vouches for was removed
    or changed since it was written.
    """
    from haven.audit.checkpoints import CheckpointError, parse_checkpoint, verify_against
    from haven.audit.verification import verify_chain

    if args.checkpoint:
        try:
            text = Path(args.checkpoint).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return refuse("audit verify", f"{args.checkpoint} cannot be read")
        try:
            checkpoint = parse_checkpoint(text)
        except CheckpointError as error:
            print(f"audit checkpoint REFUSED: {error}", file=sys.stderr)
            return 1
        against = verify_against(checkpoint)
        report = against.chain
        if against.problem:
            print(f"audit chain BROKEN against the checkpoint: {against.problem}", file=sys.stderr)
            return 1
    else:
        report = verify_chain()
    if not report.intact:
        print(
            f"audit chain BROKEN at event #{report.first_bad_seq}: {report.problem}",
            file=sys.stderr,
        )
        return 1
    print(f"audit chain intact: {report.checked} events verified")
    if args.checkpoint:
        print(f"the checkpoint's {checkpoint['seq']} events are all present and unchanged")
    return 0


@needs_django
def seal(args: argparse.Namespace) -> int:
    """vouch under the current key for events it cannot check (old chains, old keys)

    Verify the chain, then append one anchor event, sealed with the current master key, that
    vouches for every earlier event: run it once after upgrading to the keyed chain, and during a
    master key rotation while both keys are configured (the new one first), before the old key is
    removed. Exits 1 if the chain is broken.
    """
    from haven.audit.services import ChainBrokenError, anchor_chain

    try:
        anchor = anchor_chain()
    except ChainBrokenError as error:
        return refuse("audit seal", error, status=1)
    if anchor is None:
        print("nothing to seal: every event is sealed with the current master key")
    else:
        print(f"sealed events #1-#{anchor.seq - 1} under master key {anchor.key_id}")
    return 0


@needs_django
def checkpoint(args: argparse.Namespace) -> int:
    """write a signed checkpoint of the chain head to ship off this host

    Verify the chain, then print a checkpoint (event count, head, content digest, time) signed with
    an Ed25519 key derived from the master key. Ship it off the host;
    `haven audit verify --checkpoint FILE` later proves that nothing before it was removed or
    changed. Exits 1, writing nothing, if the chain is broken.
    """
    from haven.audit.checkpoints import checkpoint_create
    from haven.audit.services import ChainBrokenError

    try:
        signed = checkpoint_create()
    except ChainBrokenError as error:
        return refuse("audit checkpoint", error, status=1)
    line = json.dumps(signed, sort_keys=True, separators=(",", ":"))
    if args.out:
        out = Path(args.out)
        if not out.parent.is_dir():
            return refuse("audit checkpoint", f"the folder of {out} does not exist")
        partial = out.with_name(out.name + ".part")
        partial.write_text(line + "\n", encoding="ascii")
        partial.replace(out)
        print(f"checkpoint of {signed['seq']} events written to {out}")
    if args.syslog:
        syslog.openlog("haven-audit", 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, f"haven audit checkpoint {line}")
        syslog.closelog()
    if not args.out:
        print(line)
    return 0


def register(subparsers: Subparsers) -> None:
    commands = command_group(subparsers, "audit", summary="work with the tamper-evident audit log")
    verify_parser = add_command(commands, "verify", verify)
    verify_parser.add_argument(
        "--checkpoint", metavar="FILE", help="a checkpoint written by `haven audit checkpoint`"
    )
    add_command(commands, "seal", seal)
    checkpoint_parser = add_command(commands, "checkpoint", checkpoint)
    checkpoint_parser.add_argument("--out", metavar="FILE", help="write it to FILE, not stdout")
    checkpoint_parser.add_argument(
        "--syslog", action="store_true", help="also send it as one line to syslog (facility auth)"
    )
