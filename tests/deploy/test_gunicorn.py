"""A real gunicorn, started as deploy/haven.service starts it, sends no Server banner (WEB-06)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_gunicorn_sends_no_server_header(tmp_path):
    """WEB-06: no `Server: gunicorn` on any response, with the configuration the unit uses."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "haven.config.settings.test"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:haven.config.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "haven.config.wsgi",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = None
        deadline = time.monotonic() + 30
        while headers is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/none.css") as answer:
                    headers = answer.headers
            except urllib.error.HTTPError as refused:
                headers = refused.headers
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert headers is not None, "gunicorn did not answer"
    assert "Server" not in headers


def test_the_unit_starts_gunicorn_with_that_configuration():
    """The systemd unit loads haven.config.gunicorn, so production gets the same behaviour."""
    assert "-c python:haven.config.gunicorn" in (DEPLOY / "haven.service").read_text()
