"""
Serving Haven the way production does: gunicorn with worker processes on loopback.

``haven demo`` and ``bench/load.py`` start the same command that ``deploy/haven.service`` runs, so
the demo and the load benchmark exercise what an organisation deploys, not Django's development
server (single process, different error handling, static files served by Django itself).
"""

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

WSGI_APPLICATION = "haven.config.wsgi"
LOOPBACK = "127.0.0.1"
#: Access log lines without the client's address (RET-03), as in ``deploy/haven.service``.
ACCESS_LOG_FORMAT = "%(t)s %(r)s %(s)s %(b)s"
DEMO_WORKERS = 2


def gunicorn_command(*, port: int, workers: int, access_log: bool = True) -> list[str]:
    """The gunicorn command line for Haven on ``127.0.0.1:port`` with ``workers`` processes."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APPLICATION,
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        str(workers),
    ]
    if access_log:
        command += ["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    return command


def serve_demo(*, port: int, settings_module: str) -> int:
    """
    Run the demo's processes until one of them stops or the person presses Ctrl+C, then stop
    them all. Returns the exit status of the process that stopped first.
    """
    # The server and the background worker (stay reminders), as production runs them.
    commands = [
        gunicorn_command(port=port, workers=DEMO_WORKERS),
        [sys.executable, "-m", "haven", "worker"],
    ]
    return run_together(commands, environment={"DJANGO_SETTINGS_MODULE": settings_module})


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_together(commands: Sequence[list[str]], *, environment: dict[str, str]) -> int:
    """
    Start ``commands`` side by side; when one ends, or on Ctrl+C or SIGTERM, stop the others.

    Both signals are handled explicitly: a process started in the background by a shell, or by a
    runner that ignores SIGINT, inherits SIGINT ignored and would otherwise never stop on Ctrl+C,
    and an unhandled SIGTERM would end this process while its children went on serving.
    """
    env = {**os.environ, **environment}
    previous = {
        signum: signal.signal(signum, _interrupted) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    # Our own fixed command lines (sys.executable and module names), no outside input.
    processes = [subprocess.Popen(command, env=env) for command in commands]  # noqa: S603
    status = 0
    try:
        while all(process.poll() is None for process in processes):
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
        status = next(process.returncode for process in processes if process.poll() is not None)
    except KeyboardInterrupt:
        status = 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status
