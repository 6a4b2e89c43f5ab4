"""Settings shared by every environment. Secrets and hosts are set by the environment modules."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from haven.config.settings.environment import data_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = data_dir()

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
    "haven.web",
    "haven.organisations",
    "haven.accounts",
    "haven.audit",
    "haven.vault",
    "haven.cases",
    "haven.programmes",
    "haven.portal",
    "haven.relocations",
    "haven.asylum",
    "haven.counsel",
    "haven.reports",
    "haven.api",
]

MIDDLEWARE = [
    "haven.web.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "haven.accounts.reading.ReadingMiddleware",
    "haven.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "haven.accounts.middleware.AccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "haven.web.middleware.PrivateResponseMiddleware",
    "haven.vault.middleware.KeyRingMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.config.urls"
WSGI_APPLICATION = "haven.config.wsgi.application"

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "haven.accounts.context_processors.membership",
                "haven.web.navigation.navigation",
            ],
            # Dates, durations and numbers a person reads, in the reader's digits (the `date`,
            # `time`, `timesince`, `timeuntil`, `floatformat` and `filesizeformat` filters wrap
            # Django's; `number` and `percent` are added): docs/developing.md, "Numbers".
            "builtins": ["haven.web.templatetags.reading"],
        },
    }
]


#: How long a gunicorn worker keeps its database connection between requests. Opening one per
#: request cost every signed-in page a connection (on SQLite, its pragmas and Django's functions)
#: that the sign-in page, which reads no table, never pays. gunicorn's sync workers serve one
#: request at a time in their own process, so a kept connection is never shared.
CONNECTION_SECONDS = 60


#: After how many executions on one connection psycopg prepares a statement (it is prepared on the
#: next one). Preparing spares PostgreSQL the planning of a statement it has already seen, which
#: was most of the case page's time waiting on the server: the page runs the same few dozen
#: statements at every view. Preparing outside a pipeline costs one extra round trip, once per
#: statement and connection, and each connection holds at most 100 prepared statements (psycopg's
#: ``prepared_max``), so a statement must recur before it earns one: 2 leaves alone those run
#: once (migrations, commands, a rare page) yet prepares a page's statements at its third view
#: on a worker's connection, well within the minute that connection lives (``CONNECTION_SECONDS``);
#: psycopg's own default, 5, would wait for the sixth.
PREPARE_THRESHOLD = 2

#: PostgreSQL options every deployment gets unless its ``DATABASE_URL`` says otherwise.
#: Server-side binding sends the values apart from the statement (the extended protocol), the
#: prerequisite for prepared statements; Django binds on the client by default, and disables
#: preparing, for connection poolers that cannot follow prepared statements. Haven expects a
#: direct connection or pgbouncer >= 1.21 with ``max_prepared_statements`` (docs/deployment.md);
#: behind an older pgbouncer in transaction mode, ``?server_side_binding=false`` at the end of
#: ``DATABASE_URL`` returns to client-side binding, which never prepares.
POSTGRESQL_OPTIONS: dict[str, object] = {
    "server_side_binding": True,
    "prepare_threshold": PREPARE_THRESHOLD,
}


def database_from_url(url: str | None) -> dict[str, object]:
    """
    Return the default database: PostgreSQL from ``DATABASE_URL``, else embedded SQLite.

    On PostgreSQL, ``POSTGRESQL_OPTIONS`` are the defaults; options in the URL's query
    (``?server_side_binding=false&prepare_threshold=5``, which dj-database-url passes to
    ``OPTIONS`` as booleans and numbers) take precedence.
    """
    if url:
        parsed = dj_database_url.parse(
            url, conn_max_age=CONNECTION_SECONDS, conn_health_checks=True
        )
        if parsed.get("ENGINE") != "django.db.backends.postgresql":
            return dict(parsed)
        return {
            **parsed,
            # Django's, kept within the limit on the values of a statement bound on the server.
            "ENGINE": "haven.config.postgresql",
            "OPTIONS": {**POSTGRESQL_OPTIONS, **parsed.get("OPTIONS", {})},
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "haven.sqlite3",
        "CONN_MAX_AGE": CONNECTION_SECONDS,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
            # half-way through a transaction with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "haven.accounts.backends.AccountBackend",
]

# AUTH-01: Argon2id first; older hashes are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# AUTH-02: length, not composition; the common-password list ships with Django (no online lookup).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions live in the database so any of them can be ended from the server (SESS-03).
SESSION_ENGINE = "haven.accounts.sessions"
SESSION_COOKIE_NAME = "haven_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
HAVEN_SESSION_IDLE_SECONDS = 30 * 60
HAVEN_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = HAVEN_SESSION_ABSOLUTE_SECONDS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "haven.web.views.csrf_failure"

# AUTH-08: lockout keyed on the account, never the address (Tor users share exits).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = 10
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not restart it, so the cool-off a person is told about holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_COOLOFF_TIME = "haven.accounts.lockout.cooloff_for_request"
AXES_LOCKOUT_CALLABLE = "haven.accounts.lockout.lockout_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# RET-03: axes stores a constant instead of the client address.
AXES_CLIENT_IP_CALLABLE = "haven.accounts.lockout.no_client_address"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# axes.W006 asks for the address in the lockout key; AUTH-08 deliberately leaves it out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Haven"
OTP_TOTP_TOLERANCE = 1

# WEB-03: strict CSP with nonces; nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "no-referrer" would make browsers send "Origin: null" on every form POST, which Django's CSRF
# check rightly refuses; "same-origin" still sends nothing to any other host (WEB-04).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "microphone",
        "payment",
        "usb",
    )
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French")), ("ar", _("Arabic"))]
# The portal also speaks Russian and Persian (catalogues started). They are not in LANGUAGES on
# purpose: staff pages would then offer two languages in which almost nothing is translated.
HAVEN_PORTAL_LANGUAGES = [*LANGUAGES, ("ru", "Русский"), ("fa", "فارسی")]
# The CLDR locale whose numbering system and number signs each language reads, where it is not
# the language itself. CLDR's region-less Arabic has used 0-9 since CLDR 42; Haven's Arabic
# follows the Mashriq (Egypt's Arabic: Arabic-Indic digits and signs), and a reader who writes
# 0-9 (the Maghreb) chooses Western digits on the account page. "ar_MA" here would make 0-9 every
# Arabic reader's default.
HAVEN_NUMBER_LOCALES = {"ar": "ar_EG"}
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# haven/static is not inside any one app, so the finders are told where it is.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Evidence files (already encrypted, under random names) live in the data folder, so the service
# can write them under ProtectSystem=strict, backups carry them, and no web server serves them
# (UPL-05): no MEDIA_URL is routed anywhere. Only this account may read them.
MEDIA_ROOT = DATA_DIR / "files"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# UPL-01: a request body over this many bytes is answered 413 before any of it is read
# (haven.web.middleware.RequestBodyLimitMiddleware). It is the largest evidence file
# (haven.uploads.DEFAULT_MAX_BYTES, 20 MiB) plus room for the form around it; deploy/nginx.conf's
# client_max_body_size says the same, and a test keeps the two equal.
HAVEN_MAX_REQUEST_BYTES = 21 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Plaintext evidence never touches the disk: uploads stay in memory (bounded by the body limit
# above), and there is no temporary-file handler to spool them to /tmp.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = HAVEN_MAX_REQUEST_BYTES

# The defenders' portal (haven.portal): see docs/portal.md.
HAVEN_PORTAL_COOKIE_NAME = "haven_portal"
HAVEN_PORTAL_SESSION_IDLE_SECONDS = 20 * 60
HAVEN_PORTAL_SESSION_ABSOLUTE_SECONDS = 2 * 60 * 60
# Argon2id for receipt passphrases: RFC 9106's second recommendation is heavier; this is the
# ASVS minimum (AUTH-01), because the 103-bit receipt code already makes guessing infeasible.
HAVEN_PORTAL_ARGON2 = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
# (count, seconds) per form, and for all portal forms together.
HAVEN_PORTAL_RATE_LIMITS = {
    "referral": (30, 60),
    "sign_in": (60, 60),
    "message": (60, 60),
    "check_in": (30, 60),
    "total": (120, 60),
}
HAVEN_PORTAL_QUEUE_CAP = 1000
HAVEN_PORTAL_MAX_FILES = 3
HAVEN_PORTAL_MAX_FILE_BYTES = 2 * 1024 * 1024
# Proof of work: 0 turns it off; 16 to 20 bits cost a browser a second or a few. Without
# JavaScript a form is accepted once it has been open this long instead.
HAVEN_PORTAL_POW_BITS = int(os.environ.get("HAVEN_PORTAL_POW_BITS", "0"))
HAVEN_PORTAL_NO_JS_WAIT_SECONDS = 20
# Where "quick exit" goes; empty means a blank page on this site, which loads nothing else.
HAVEN_PORTAL_EXIT_URL = os.environ.get("HAVEN_PORTAL_EXIT_URL", "")

# Where the vault finds the master key; the environment modules set one of the two.
HAVEN_MASTER_KEY: str | None = None
HAVEN_MASTER_KEY_FILE: Path | None = None

# AUD-05: one JSON object per line, UTC, nothing but what the code chose to log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "haven.web.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
