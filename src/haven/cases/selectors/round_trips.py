"""
Several compiled reads in one round trip to PostgreSQL (issue 17).

The case page reads each record table that holds a row of the case (threats, consents,
assessments, notes, its team): five to eleven small queries, each a round trip. On PostgreSQL
every round trip waits for the server's process to be scheduled, which on a busy machine cost
more than the queries themselves. Django's PostgreSQL backend binds parameters on the client
(psycopg's ``ClientCursor``, the simple query protocol), which accepts several statements in one
``execute`` and returns their results one after the other (``nextset``): the reads are sent
together and their rows come back in one trip. Elsewhere (SQLite, or server-side binding, which
allows one statement per ``execute``) each read runs on its own, as before.

The values are still bound by psycopg, quoted as for any query; the statements are the ones
``CompiledRead`` compiled, unchanged.
"""

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from haven.accounts.compiled import CompiledRead

#: Between the statements sent together (Django's compiled SQL holds no line break).
STATEMENT_SEPARATOR = ";\n"

#: One read to run: the compiled read and the values of its stand-ins.
Call = tuple[CompiledRead[Any], dict[str, Any]]


def _one_trip_possible() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")


def read_together(calls: Sequence[Call]) -> list[list[Any]]:
    """Each call's rows as ``read(**values)`` returns them, in one round trip on PostgreSQL."""
    if len(calls) < 2 or not _one_trip_possible():
        return [read(**values) for read, values in calls]
    statements: list[str] = []
    params: list[Any] = []
    for read, values in calls:
        sql, read_params = read.statement(**values)
        statements.append(sql)
        params.extend(read_params)
    results = []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(STATEMENT_SEPARATOR.join(statements), params)
        for index, (read, _values) in enumerate(calls):
            if index:
                cursor.nextset()
            results.append(read.instances(cursor.fetchall()))
    return results
