"""
Django's health check of a kept PostgreSQL connection costs no round trip while the connection is
quiet, and still replaces one the server ended (issue 17, ``haven.config.postgresql``).

Each test opens a connection of its own, beside the test's transaction, as a gunicorn worker keeps
one between requests.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def kept() -> Iterator[Any]:
    """A second wrapper of the default database, with its own connection, closed afterwards."""
    wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
    wrapper.ensure_connection()
    try:
        yield wrapper
    finally:
        wrapper.close()


@contextmanager
def _sent(wrapper: Any) -> Iterator[list[str]]:
    """The kinds of the protocol messages the client sends inside the block, from libpq's trace."""
    from psycopg import pq

    messages: list[str] = []
    pgconn = wrapper.connection.pgconn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace"
        with path.open("w") as trace:
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            try:
                yield messages
            finally:
                pgconn.untrace()
        # Each line: direction (F from the client, B from the server), length, message kind.
        for line in path.read_text().splitlines():
            fields = line.split("\t")
            if len(fields) > 2 and fields[0] == "F":
                messages.append(fields[2].split(" ")[0])


#: How long ``pg_terminate_backend`` waits for the ended process to exit.
_WAIT_MILLISECONDS = 10_000


def _next_request(wrapper: Any) -> None:
    """
    What ``close_old_connections`` does to a connection kept between two requests (the tests'
    settings keep none, ``CONN_MAX_AGE`` 0, so it would close this one): check it again.
    """
    assert wrapper.connection is not None
    wrapper.health_check_done = False


def _one_query(wrapper: Any) -> None:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT %s::int", [7])
        assert cursor.fetchone() == (7,)


def test_a_quiet_kept_connection_is_checked_without_a_round_trip(kept):
    assert kept.settings_dict["CONN_HEALTH_CHECKS"]
    _one_query(kept)
    _next_request(kept)
    with _sent(kept) as sent:
        _one_query(kept)
    # The query's own messages (Parse, Bind, Describe, Execute, Sync); no "SELECT 1" before it.
    assert "Query" not in sent
    assert sent.count("Sync") == 1
    assert kept.health_check_done


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(kept):
    _one_query(kept)
    ended = kept.connection
    with connection.cursor() as cursor:
        # The server's process sends its word and closes the socket as it exits.
        cursor.execute(
            "SELECT pg_terminate_backend(%s, %s)", [ended.info.backend_pid, _WAIT_MILLISECONDS]
        )
        assert cursor.fetchone() == (True,)
    _next_request(kept)

    # The check saw the server's word on the socket, asked, closed the dead connection and
    # opened another: the request's first query succeeds.
    _one_query(kept)

    assert kept.connection is not ended
    assert ended.closed
