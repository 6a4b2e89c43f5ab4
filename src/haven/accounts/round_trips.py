"""
Several compiled reads in one round trip to PostgreSQL (issue 17).

The case page reads each record table that holds a row of the case (threats, consents,
assessments, notes, its team): five to eleven small queries, each a round trip; every signed-in
request reads the session's account, its device and its memberships (``accounts.middleware``). On PostgreSQL
every round trip waits for the server's process to be scheduled, which on a busy machine cost
more than the queries themselves. psycopg's pipeline mode sends the reads one after the other
without waiting for each answer, and the server's answers come back together when the pipeline
is synchronised: one trip for all of them.

The pipeline keeps the extended protocol, so the reads are bound on the server and, once each has
recurred on the connection, prepared (``PREPARE_THRESHOLD`` in the settings); preparing one inside
the pipeline adds no trip. Sending several statements in one ``execute`` (the simple protocol)
would also take one trip, but only with client-side binding, which never prepares: the planning
that preparing saves cost more than the trips. On SQLite, which has no server to wait for, each
read runs on its own.

The statements are the ones ``CompiledRead`` compiled, unchanged, their values bound by psycopg
as for any query.
"""

from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from haven.accounts.compiled import CompiledRead
from haven.audit.services import riding_append, riding_appended

#: One read to run: the compiled read and the values of its stand-ins.
Call = tuple[CompiledRead[Any], dict[str, Any]]


def read_together(calls: Sequence[Call]) -> list[list[Any]]:
    """
    Each call's rows as ``read(**values)`` returns them, in one round trip on PostgreSQL.

    An audit event waiting to ride with the next reads (``haven.audit.services.appends_riding``)
    is appended in the same round trip, its statement last: the round trip's end commits it
    before any row is returned, and should a read fail, it is not written.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    append = riding_append()
    if len(calls) + (append is not None) < 2 or connection.vendor != "postgresql":
        return [read(**values) for read, values in calls]
    with ExitStack() as open_cursors:
        # Django's cursors open the connection if need be; their errors come through Django's
        # wrapper, and so must those raised when the pipeline is synchronised at the block's end.
        cursors = [open_cursors.enter_context(connection.cursor()) for _call in calls]
        appending = open_cursors.enter_context(connection.cursor()) if append else None
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (read, values) in zip(cursors, calls, strict=True):
                cursor.execute(*read.statement(**values))
            if appending is not None and append is not None:
                appending.execute(*append)
        # The pipeline's end brought every cursor its rows: fetching waits for nothing.
        if appending is not None:
            riding_appended(appending.fetchone())
        return [
            read.instances(cursor.fetchall())
            for cursor, (read, _values) in zip(cursors, calls, strict=True)
        ]
