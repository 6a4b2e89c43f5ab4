"""``haven demo`` seeds fictional data on a demo database only."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from haven.accounts import totp
from haven.accounts.models import User
from haven.cli import main
from haven.demo import DemoRefusedError, seed_all
from haven.organisations.models import Membership, Organisation, Role


def test_seeding_refuses_without_demo_settings(db):
    """Demo accounts with printed passwords never reach a non-demo database (SEC-02)."""
    with pytest.raises(DemoRefusedError):
        seed_all()

    assert User.objects.count() == 0


def test_seeding_creates_two_organisations_with_every_role_once(db, settings):
    """Two organisations, one person per role each, confirmed authenticators; twice is once."""
    settings.HAVEN_DEMO = True

    first = seed_all()
    second = seed_all()

    assert Organisation.objects.count() == 2
    assert Membership.objects.count() == 2 * len(Role)
    assert first == second
    for login in first:
        user = User.objects.get(username=login.username)
        assert user.check_password(login.password)
        device = totp.confirmed_device(user)
        assert device is not None and totp.secret_text(device) == login.totp_secret


def test_the_command_refuses_with_non_demo_settings(db, capsys):
    """With settings that are not the demo's, ``haven demo`` exits 2 with a clear message."""
    assert main(["demo", "--no-serve"]) == 2
    assert "only seeded with the demo settings" in capsys.readouterr().err


def fresh_demo_environment(tmp_path) -> dict[str, str]:
    """This process's environment without its test settings, and an empty data folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["HAVEN_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_the_command_seeds_a_fresh_data_folder_and_prints_logins(tmp_path):
    """On a fresh machine ``haven demo --no-serve`` migrates, seeds and prints the logins."""
    env = fresh_demo_environment(tmp_path)

    result = subprocess.run(
        [sys.executable, "-m", "haven", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "coordinator.harbour" in result.stdout and "auditor.northstar" in result.stdout
    assert (tmp_path / "data" / "haven.sqlite3").exists()


def test_demo_help_explains_itself(capsys):
    """``haven demo --help`` says what it does."""
    with pytest.raises(SystemExit):
        main(["demo", "--help"])

    assert "--no-serve" in capsys.readouterr().out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demo_is_served_by_gunicorn_and_stops_on_ctrl_c(tmp_path):
    """
    ``haven demo`` serves with gunicorn, as production does, and Ctrl+C stops every process,
    even when it was started with SIGINT ignored, as a shell's background job (or a test runner's
    worker) starts it: it then never stopped and left gunicorn and the worker running.
    """
    env = fresh_demo_environment(tmp_path)
    port = free_port()
    inherited = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        demo = subprocess.Popen(
            [sys.executable, "-m", "haven", "demo", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, inherited)
    try:
        response = None
        deadline = time.monotonic() + 240
        while response is None and time.monotonic() < deadline and demo.poll() is None:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/")
            except OSError:
                time.sleep(1)
        assert response is not None, "the demo never answered"
        assert response.status == 200
        assert "gunicorn" in response.headers.get("Server", "")
    finally:
        demo.send_signal(signal.SIGINT)
        output, _ = demo.communicate(timeout=60)

    assert demo.returncode == 0, output
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
