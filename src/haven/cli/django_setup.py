"""Loading Django for the commands that need the database."""

import os

DEFAULT_SETTINGS = "haven.config.settings.dev"


def setup() -> None:
    """Configure Django with ``DJANGO_SETTINGS_MODULE`` or, if unset, the embedded SQLite settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()
