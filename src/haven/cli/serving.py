"""
Serving Haven the way production does: gunicorn with worker processes on loopback.

``haven demo`` and ``bench/load.py`` start the same command that ``deploy/haven.service`` runs, so
the demo and the load benchmark exercise what an organisation deploys, not Django's development
server (single process, different error handling, static files served by Django itself).

The demo binds its port itself and hands the listening socket to gunicorn (``--bind fd://N``):
the address it prints is then the one served, ``--port 0`` serves on a free port the system
picks (and prints it), and nothing else can take the port between choosing and serving it.
"""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

WSGI_APPLICATION = "haven.config.wsgi"
#: The configuration module ``deploy/haven.service`` loads (no ``Server`` banner, no control socket).
GUNICORN_CONFIGURATION = "python:haven.config.gunicorn"
LOOPBACK = "127.0.0.1"
#: Access log lines without the client's address (RET-03), as in ``deploy/haven.service``.
ACCESS_LOG_FORMAT = "%(t)s %(r)s %(s)s %(b)s"
DEMO_WORKERS = 2


def listen_on_loopback(port: int) -> socket.socket:
    """
    Return a socket listening on ``127.0.0.1:port`` (port 0: a free one the system picks), to
    hand to gunicorn with ``gunicorn_command(listener=...)``; its ``getsockname()`` tells the
    port. Raises OSError if the port cannot be bound (in use, or privileged).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # As gunicorn sets it when it binds: a restarted demo need not wait out TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, port))
        listener.listen(socket.SOMAXCONN)
    except OSError:
        listener.close()
        raise
    return listener


def gunicorn_command(
    *,
    workers: int,
    port: int | None = None,
    listener: socket.socket | None = None,
    access_log: bool = True,
) -> list[str]:
    """
    The gunicorn command line for Haven with ``workers`` processes, serving either
    ``127.0.0.1:port`` (gunicorn binds it) or an already listening socket (``listen_on_loopback``),
    which the process must inherit: start it with ``Program(command, listener)``.
    """
    if (port is None) == (listener is None):
        raise ValueError("Serve either a port or a listening socket.")
    bind = f"{LOOPBACK}:{port}" if listener is None else f"fd://{listener.fileno()}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        GUNICORN_CONFIGURATION,
        WSGI_APPLICATION,
        "--bind",
        bind,
        "--workers",
        str(workers),
    ]
    if access_log:
        command += ["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    return command


@dataclass(frozen=True)
class Program:
    """A command to run, and the listening socket it inherits, if any (gunicorn's ``fd://``)."""

    command: list[str]
    listener: socket.socket | None = None


def serve_demo(*, listener: socket.socket, settings_module: str) -> int:
    """
    Serve the demo on ``listener`` (from ``listen_on_loopback``, closed here) until one of its
    processes stops or the person presses Ctrl+C, then stop them all. Returns the exit status of
    the process that stopped first.
    """
    # The server and the background worker (stay reminders), as production runs them.
    programs = [
        Program(gunicorn_command(listener=listener, workers=DEMO_WORKERS), listener),
        Program([sys.executable, "-m", "haven", "worker"]),
    ]
    with listener:
        return run_together(programs, environment={"DJANGO_SETTINGS_MODULE": settings_module})


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_together(programs: Sequence[Program], *, environment: dict[str, str]) -> int:
    """
    Start ``programs`` side by side; when one ends, or on Ctrl+C or SIGTERM, stop the others.

    Both signals are handled explicitly: a process started in the background by a shell, or by a
    runner that ignores SIGINT, inherits SIGINT ignored and would otherwise never stop on Ctrl+C,
    and an unhandled SIGTERM would end this process while its children went on serving.
    """
    env = {**os.environ, **environment}
    previous = {
        signum: signal.signal(signum, _interrupted) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    # Our own fixed command lines (sys.executable and module names), no outside input.
    processes = [
        subprocess.Popen(  # noqa: S603
            program.command,
            env=env,
            pass_fds=() if program.listener is None else (program.listener.fileno(),),
        )
        for program in programs
    ]
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
