"""Production settings pass Django's deployment check and refuse to start half-configured (WEB-01, SEC-01)."""

import base64
import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "haven.config.settings.production",
    "HAVEN_SECRET_KEY": secrets.token_urlsafe(60),
    "HAVEN_ALLOWED_HOSTS": "haven.example.org",
    "DATABASE_URL": "postgresql://haven@127.0.0.1:5432/haven",
    "HAVEN_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
}


def run_env() -> dict[str, str]:
    """The parent's environment without Haven's variables or test-only switches."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HAVEN_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }


def run_haven(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "haven", *args],
        env={**run_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deployment_check_passes_with_production_settings():
    """``check --deploy --fail-level WARNING`` is clean with production settings (WEB-01)."""
    result = run_haven("manage", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["HAVEN_SECRET_KEY", "HAVEN_ALLOWED_HOSTS", "DATABASE_URL", "HAVEN_MASTER_KEY"]
)
def test_production_refuses_to_start_without_each_required_variable(missing):
    """Each missing variable stops start-up with a message naming it and no traceback."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = run_haven("manage", "check", env=env)

    assert result.returncode == 2
    assert missing.split("_KEY")[0] in result.stderr
    assert "Traceback" not in result.stderr


def test_a_short_secret_key_is_refused():
    """A guessable SECRET_KEY is refused outright (SEC-01)."""
    result = run_haven("manage", "check", env={**PRODUCTION_ENV, "HAVEN_SECRET_KEY": "short"})

    assert result.returncode == 2
    assert "at least 50" in result.stderr


def test_production_settings_have_no_demo_and_secure_cookies():
    """No demo seeding, secure __Host- cookies and HSTS in production (SESS-05, WEB-02)."""
    code = (
        "from django.conf import settings as s;"
        "print(s.HAVEN_DEMO, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**run_env(), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.stdout.split() == ["False", "True", "__Host-haven-session", "31536000"]
