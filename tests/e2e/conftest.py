"""
Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Reusable fixtures: ``browser`` (one Chromium per worker), ``page`` and ``page_without_js``
(fresh contexts), and ``sign_in_through_browser`` which walks the real sign-in forms. Without
Chromium or Playwright the journeys are skipped with a message, except under ``CI=true``, where a
missing browser fails the run.
"""

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from haven.accounts import totp
from haven.accounts.models import User
from tests.conftest import KNOWN_TOTP_SECRET, PASSWORD

CHROMIUM = os.environ.get("HAVEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the live server's database calls are
# still synchronous, so Django's async-safety guard must be told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser journeys cannot run in CI: {reason}")
    pytest.skip(f"browser journeys skipped: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def sign_in_through_browser(live_server) -> Callable[[object, User], None]:
    """Return a function that signs a persona in on ``page`` through the real forms."""

    def sign_in(page, user: User) -> None:
        page.goto(f"{live_server.url}/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/accounts/two-factor/")
        page.fill("#id_code", totp.current_code(KNOWN_TOTP_SECRET))
        page.click("main button[type=submit]")

    return sign_in


_CONFIG: list[pytest.Config] = []


def _append_only_triggers(action: str) -> None:
    """Drop or restore the audit table's append-only triggers (AUD-03) on the test database."""
    import importlib

    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    migration = importlib.import_module("haven.audit.migrations.0002_append_only")
    vendor = connection.vendor
    statements = {
        ("drop", "sqlite"): migration.SQLITE_DROP,
        ("drop", "postgresql"): migration.POSTGRES_DROP,
        ("create", "sqlite"): [
            s.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS")
            for s in migration.SQLITE_CREATE
        ],
        ("create", "postgresql"): migration.POSTGRES_DROP + migration.POSTGRES_CREATE,
    }[(action, vendor)]
    blocker = _CONFIG[0].stash[blocking_manager_key]
    with blocker.unblock(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """
    Let the live-server tests' database flush run, then put the audit triggers back.

    A live server needs a real commit, so pytest-django empties every table after the test; the
    append-only triggers rightly refuse that for the audit table. They are lifted for the flush
    alone and restored before the next test.
    """
    _CONFIG[:] = [item.config]
    is_live = "live_server" in getattr(item, "fixturenames", ())
    if is_live:
        _append_only_triggers("drop")
    yield
    if is_live and nextitem is not None:  # after the last test the test database is gone
        _append_only_triggers("create")


@pytest.fixture(scope="session", autouse=True)
def _close_live_server_connections(django_db_setup, django_db_blocker):
    """
    On PostgreSQL, close connections the live server's request threads left open.

    Otherwise dropping the test database at the end of the run fails with "being accessed by
    other users". Runs before the database teardown because it depends on ``django_db_setup``.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
