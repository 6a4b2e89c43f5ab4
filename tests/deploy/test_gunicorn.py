"""A real gunicorn, started as deploy/haven.service starts it, sends no Server banner (WEB-06)."""

import gc
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from haven.cli.serving import GUNICORN_CONFIGURATION, gunicorn_command, listen_on_loopback
from haven.config import gunicorn as gunicorn_configuration

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_gunicorn_sends_no_server_header_and_opens_no_control_socket(tmp_path):
    """
    WEB-06: no `Server: gunicorn` on any response, with the command the demo and the load
    benchmark start and the configuration the unit loads; and no `gunicornc` control socket.
    """
    runtime = tmp_path / "run"
    runtime.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "haven.config.settings.test",
        # Where gunicorn would put its control socket.
        "XDG_RUNTIME_DIR": str(runtime),
    }
    log = tmp_path / "gunicorn.log"
    # The test binds a free port and gunicorn inherits the listening socket (fd://): no other
    # test can take the port in between, and a request made before gunicorn is ready waits in
    # the socket's queue instead of being refused, so one request with a timeout suffices.
    with listen_on_loopback(0) as listener, log.open("wb") as output:
        port = listener.getsockname()[1]
        server = subprocess.Popen(
            gunicorn_command(listener=listener, workers=1, access_log=False),
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    # Only gunicorn holds the socket now: if it dies, the request below fails at once.
    try:
        try:
            # Generous: gunicorn imports Django before it accepts, on a loaded CI machine.
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/static/none.css", timeout=120
            ) as answer:
                headers = answer.headers
        except urllib.error.HTTPError as refused:
            headers = refused.headers
        except OSError as error:
            raise AssertionError(f"gunicorn did not answer: {error}\n{log.read_text()}") from None
        # The arbiter opens its control socket before it starts the worker that answered.
        control_socket_files = sorted(path.name for path in runtime.iterdir())
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert "Server" not in headers, log.read_text()
    assert control_socket_files == [], log.read_text()


def test_the_unit_starts_gunicorn_with_that_configuration():
    """The systemd unit loads haven.config.gunicorn, so production gets the same behaviour."""
    assert f"-c {GUNICORN_CONFIGURATION} " in (DEPLOY / "haven.service").read_text()


def test_each_worker_freezes_what_it_loaded():
    """The worker hook hands the objects of the loaded application to the permanent generation."""
    before = gc.get_freeze_count()
    try:
        gunicorn_configuration.post_worker_init(worker=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
