"""``haven audit verify``: check the audit log's hash chain."""

import argparse
import sys

from haven.cli import django_setup


def verify(args: argparse.Namespace) -> int:
    django_setup.setup()
    from haven.audit.verification import verify_chain

    report = verify_chain()
    if report.intact:
        print(f"audit chain intact: {report.checked} events verified")
        return 0
    print(f"audit chain BROKEN at event #{report.first_bad_seq}: {report.problem}", file=sys.stderr)
    return 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    audit = subparsers.add_parser("audit", help="work with the tamper-evident audit log")
    commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    verify_parser = commands.add_parser(
        "verify",
        help="recompute the hash chain; exit 0 if intact, 1 naming the first bad event",
        description="Recompute every link of the audit chain. Exits 0 when the chain is intact and 1, "
        "naming the first changed, missing or reordered event, when it is not.",
    )
    verify_parser.set_defaults(handler=verify)
