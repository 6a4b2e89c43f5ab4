"""
Running a solver call under a wall-clock limit that the solver cannot overrun.

HiGHS honours its ``time_limit`` during branch and bound, but not everywhere: on a 5,000 x 300
family problem its presolve ran for 146 s against a 1.3 s limit. A time limit the coordinator set
must hold whatever the solver does, so every HiGHS call runs in a forked child process, which is
killed when its time is up; the parent then keeps the best assignment it already has and says the
search was stopped. Forking copies the already-built arrays for free (copy on write) and costs a
few milliseconds, so the isolation is cheap enough for every stage.

The parent process never runs HiGHS itself: a child forked from a process whose HiGHS thread pool
has started would inherit a pool without its threads. Where ``fork`` does not exist (Windows) the
call runs in-process and only the solver's own limit applies; Haven is deployed on Linux. The
same holds inside a daemonic worker process, which may not start children of its own.
"""

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

Outcome = TypeVar("Outcome")


def _run_and_send(function: Callable[[], object], sender: Connection) -> None:
    """Child side: run the call and send its value back; an exception is sent as its type name."""
    try:
        sender.send(("value", function()))
    except Exception as error:  # the parent decides what a failed solver call means
        sender.send(("error", type(error).__name__))
    finally:
        sender.close()


def call_before(function: Callable[[], Outcome], deadline: float) -> Outcome | None:
    """
    Return ``function()``, or None when it has not returned by ``deadline`` (``time.monotonic``).

    The call runs in a forked child that is killed at the deadline. None also stands for a call
    that failed in the child: either way the caller has no answer and keeps what it had.
    """
    if deadline <= time.monotonic():
        return None
    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon
    ):
        return function()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run_and_send, args=(function, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(max(0.0, deadline - time.monotonic())):
            kind, value = receiver.recv()
            return value if kind == "value" else None
        return None
    except EOFError:
        return None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
