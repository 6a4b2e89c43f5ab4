"""Loading Django for the commands that need the database."""

import argparse
import functools
import os

from haven.cli.commands import Handler

DEFAULT_SETTINGS = "haven.config.settings.dev"


def setup() -> None:
    """Configure Django with ``DJANGO_SETTINGS_MODULE`` or, if unset, the embedded SQLite settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def needs_django(handler: Handler) -> Handler:
    """Configure Django before ``handler`` runs, so that it may import models (inside itself)."""

    @functools.wraps(handler)
    def configured_first(args: argparse.Namespace) -> int:
        setup()
        return handler(args)

    return configured_first
