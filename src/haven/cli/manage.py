"""``haven manage ...``: Django's management commands with Haven's settings."""

import os

from haven.cli.commands import Subparsers


def run_manage(argv: list[str]) -> int:
    """Run one Django management command, e.g. ``haven manage migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haven manage", *argv])
    return 0


def register(subparsers: Subparsers) -> None:
    subparsers.add_parser(
        "manage",
        help="run a Django management command (haven manage migrate, haven manage check --deploy, ...)",
        description="Pass the remaining arguments to Django's manage.py with Haven's settings.",
    )
