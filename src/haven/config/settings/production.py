"""
Production: PostgreSQL, HTTPS behind a reverse proxy, and every secret from the environment.

Importing this module without ``HAVEN_SECRET_KEY``, ``HAVEN_ALLOWED_HOSTS``, ``DATABASE_URL`` and
one of ``HAVEN_MASTER_KEY`` / ``HAVEN_MASTER_KEY_FILE`` raises ImproperlyConfigured, so a
misconfigured server refuses to start rather than running with a guessable key.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from haven.config.settings.base import *  # noqa: F403
from haven.config.settings.base import database_from_url
from haven.config.settings.environment import csv, required

SECRET_KEY = required("HAVEN_SECRET_KEY")
if SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "HAVEN_SECRET_KEY must be at least 50 random characters and not a django-insecure key."
    )
ALLOWED_HOSTS = csv("HAVEN_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "HAVEN_ALLOWED_HOSTS is not set: list the public host names, comma-separated."
    )
DATABASES = {"default": database_from_url(required("DATABASE_URL"))}

HAVEN_MASTER_KEY = os.environ.get("HAVEN_MASTER_KEY") or None
_key_file = os.environ.get("HAVEN_MASTER_KEY_FILE") or None
HAVEN_MASTER_KEY_FILE = Path(_key_file) if _key_file else None
if not HAVEN_MASTER_KEY and not HAVEN_MASTER_KEY_FILE:
    raise ImproperlyConfigured(
        "Neither HAVEN_MASTER_KEY nor HAVEN_MASTER_KEY_FILE is set. The vault cannot open any "
        "record without the master key, and Haven never falls back to SECRET_KEY."
    )
HAVEN_DEMO = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-haven-session"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-haven-csrf"
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
