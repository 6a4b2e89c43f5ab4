"""
The embedded default: SQLite under ``.haven/``, the demo master key beside it.

Used by the ``haven`` command and ``make demo`` on one laptop. DEBUG stays off so that a
demo shows the same generic error pages as production; set ``HAVEN_DEBUG=1`` to see tracebacks.
"""

import os
from pathlib import Path

from haven.config.settings.base import *  # noqa: F403
from haven.config.settings.base import DATA_DIR, database_from_url
from haven.config.settings.environment import csv, private_data_dir, private_file

# The embedded database, evidence files and the demo key live here; only this account may read them.
private_data_dir(DATA_DIR)
(DATA_DIR / "static").mkdir(exist_ok=True)

DEBUG = os.environ.get("HAVEN_DEBUG") == "1"
SECRET_KEY = os.environ.get("HAVEN_SECRET_KEY") or "haven-dev-only-not-for-production-" + "x" * 20
ALLOWED_HOSTS = csv("HAVEN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    private_file(Path(str(DATABASES["default"]["NAME"])))

HAVEN_MASTER_KEY = os.environ.get("HAVEN_MASTER_KEY") or None
HAVEN_MASTER_KEY_FILE = None if HAVEN_MASTER_KEY else DATA_DIR / "master.key"
HAVEN_DEMO = True
