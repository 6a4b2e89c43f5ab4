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


def private_data_dir(path: Path) -> Path:
    """Create the data folder readable by this account only (0700), tightening an existing one."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """
    Create ``path`` empty with mode 0600 unless it exists, and tighten it to 0600 if it does.

    SQLite creates its database with the process umask (usually 0644) and gives its ``-wal`` and
    ``-shm`` files the database's mode, so creating the file first keeps all three private.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(descriptor)
    os.chmod(path, 0o600)
    return path
