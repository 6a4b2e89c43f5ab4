"""
The ``haven`` command.

Each command group lives in its own module under ``haven.cli`` and exposes ``register(subparsers)``,
which adds each command with its handler (``haven.cli.commands.add_command``: the handler's
docstring is its help). Handlers that need the database are decorated with
``haven.cli.django_setup.needs_django`` and import models inside themselves, so pure commands
(``assess``, ``match``) start without loading Django at all.
"""

import argparse
import importlib
import sys
from collections.abc import Sequence

from haven import __version__

COMMAND_MODULES = [
    "haven.cli.audit",
    "haven.cli.orgs",
    "haven.cli.keys",
    "haven.cli.cases",
    "haven.cli.backup",
    "haven.cli.vault",
    "haven.cli.manage",
    "haven.cli.assess",
    "haven.cli.demo",
    "haven.cli.match",
    "haven.cli.worker",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="haven",
        description="Haven: case management and decision support for protecting human rights defenders.",
    )
    parser.add_argument("--version", action="version", version=f"haven {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``haven`` command and return its exit status; bad configuration exits 2, no traceback."""
    try:
        return _run(argv)
    except Exception as error:
        # Only a command that loaded Django can raise ImproperlyConfigured; pure commands
        # (assess, match) must not pay for importing Django just to catch it.
        django_exceptions = sys.modules.get("django.core.exceptions")
        if django_exceptions and isinstance(error, django_exceptions.ImproperlyConfigured):
            print(f"haven: configuration error: {error}", file=sys.stderr)
            return 2
        raise


def _run(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["manage"]:
        # Django parses its own arguments; argparse must not see them.
        from haven.cli.manage import run_manage

        return run_manage(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
