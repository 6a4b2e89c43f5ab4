"""``haven demo`` seeds fictional data on a demo database only."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from typing import IO

import pytest

from haven.accounts import totp
from haven.accounts.models import User
from haven.cli import main, serving
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


def test_the_command_says_when_its_port_is_taken(db, settings, capsys):
    """A port in use is refused with a way out, before any process is started (exit 2)."""
    settings.HAVEN_DEMO = True
    with serving.listen_on_loopback(0) as taken:
        port = taken.getsockname()[1]

        assert main(["demo", "--port", str(port)]) == 2

    error = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}" in error and "--port" in error


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


class Output:
    """
    What a process writes to a pipe, read on a thread as it comes: a pipe nobody reads fills up
    (64 KiB on Linux) and then blocks the writer, here gunicorn's access log and the demo itself.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._lines: list[str] = []
        self._ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                with self._changed:
                    self._lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def search(self, pattern: str, *, timeout: float) -> re.Match[str] | None:
        """The first match of ``pattern`` in a line, waiting for it until the output ends."""
        deadline = time.monotonic() + timeout
        with self._changed:
            seen = 0
            while True:
                for line in self._lines[seen:]:
                    if found := re.search(pattern, line):
                        return found
                seen = len(self._lines)
                remaining = deadline - time.monotonic()
                if self._ended or remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def ends(self, *, timeout: float) -> bool:
        """True once every process holding the pipe's writing end has closed it (or exited)."""
        self._reader.join(timeout)
        return not self._reader.is_alive()

    def __str__(self) -> str:
        with self._changed:
            return "".join(self._lines)


def test_the_demo_is_served_by_gunicorn_and_stops_on_ctrl_c(tmp_path):
    """
    ``haven demo`` serves with gunicorn, as production does, and Ctrl+C stops every process,
    even when it was started with SIGINT ignored, as a shell's background job (or a test runner's
    worker) starts it: it then never stopped and left gunicorn and the worker running.

    ``--port 0`` lets the demo bind a free port itself and say which: a port chosen here and
    bound later by the demo could be taken in between by another test running in parallel.
    """
    env = fresh_demo_environment(tmp_path)
    inherited = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        demo = subprocess.Popen(
            [sys.executable, "-m", "haven", "demo", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert demo.stdout is not None
    output = Output(demo.stdout)
    try:
        # Migrating and seeding a fresh database takes a while on a loaded CI machine.
        served = output.search(r"Open http://127\.0\.0\.1:(\d+)/ ", timeout=240)
        assert served, f"the demo never said where it serves:\n{output}"
        # The demo listens before it says so: a request made before gunicorn is ready waits in
        # the socket's queue, so one request with a timeout (gunicorn's start) suffices.
        with urllib.request.urlopen(
            f"http://127.0.0.1:{served[1]}/accounts/login/", timeout=120
        ) as response:
            assert response.status == 200
            # With the unit's configuration: no banner (WEB-06).
            assert "Server" not in response.headers
        assert output.search(r"Starting gunicorn", timeout=10), f"not gunicorn:\n{output}"
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            demo.kill()
            raise

    assert demo.returncode == 0, str(output)
    # gunicorn, its workers and the background worker all write to the same pipe: it ends only
    # once every one of them has exited.
    assert output.ends(timeout=60), f"a process of the demo is still running:\n{output}"
