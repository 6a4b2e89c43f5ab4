"""Reading Haven's configuration from the environment, with errors that say what is missing."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def data_dir() -> Path:
    """Return the folder for the embedded database and demo keys (``.haven`` unless overridden)."""
    return Path(os.environ.get("HAVEN_DATA_DIR", ".haven")).resolve()


def required(name: str) -> str:
    """Return an environment variable that production cannot run without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Production settings refuse to start without it; "
            "see the README section 'Configuration'."
        )
    return value


def csv(name: str, default: str = "") -> list[str]:
    """Return a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
