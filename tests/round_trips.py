"""Counting a request's round trips to PostgreSQL, as the client library sends them."""

import tempfile
from collections.abc import Callable
from typing import Any

from django.db import connection


def postgresql_round_trips(request: Callable[[], Any]) -> tuple[int, Any]:
    """
    Call ``request()`` and return the round trips it made to PostgreSQL (the Sync messages libpq
    sends: one per statement outside a pipeline, one per pipeline) and what it returned.
    """
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            returned = request()
        finally:
            pgconn.untrace()
        trace.seek(0)
        return sum(1 for line in trace if line.split("\t")[2:3] == ["Sync\n"]), returned
