"""Settings for the test suite: in-memory SQLite, or PostgreSQL when ``DATABASE_URL`` is set."""

import base64
import os
import secrets

from haven.config.settings.base import *  # noqa: F403
from haven.config.settings.base import database_from_url

SECRET_KEY = "haven-test-" + secrets.token_urlsafe(48)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

_url = os.environ.get("DATABASE_URL")
DATABASES = {
    "default": database_from_url(_url)
    if _url
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
}
# The live server's threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Argon2 at its real cost would dominate the suite; AUTH-01 tests switch it back on.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

# A fresh random master key per run: nothing in the suite may depend on a fixed key.
HAVEN_MASTER_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
HAVEN_MASTER_KEY_FILE = None
HAVEN_DEMO = False

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the app folders through whitenoise's finders; nothing is collected.
STATIC_ROOT = None  # type: ignore[assignment]

# The portal's Argon2 at a cost the suite can afford; its format is still checked (AUTH-01).
HAVEN_PORTAL_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
