"""
Django's PostgreSQL backend, kept within the server's limit on a statement's values (issue 17).

Haven binds values on the server so that PostgreSQL can prepare its statements
(``POSTGRESQL_OPTIONS`` in ``haven/config/settings/base.py``). The server's protocol then counts
a statement's values in 16 bits: at most 65,535. Bound on the client they were part of the SQL
text, without limit, so Django 5.2 splits ``bulk_create``, ``bulk_update``, the deletion of a
cascade and ``in_bulk`` by that limit on Oracle and SQLite but never on PostgreSQL, and an import
of 10,000 cases or the erasure of an organisation with 70,000 events failed with "number of
parameters must be between 0 and 65535". Here the same batching applies whenever values are
bound on the server; with client-side binding the backend is Django's, unchanged.
"""

import select
from itertools import chain
from typing import Any

import psycopg
from django.db.backends.postgresql import base, features, operations
from django.db.models.fields.composite import CompositePrimaryKey
from django.utils.functional import cached_property

#: The most values one statement may carry when they are bound on the server.
MAX_SERVER_BOUND_VALUES = 2**16 - 1


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int | None:  # type: ignore[override]
        """Django's ``in_bulk`` splits its lookups by this; ``bulk_batch_size`` below uses it."""
        if self.connection.settings_dict["OPTIONS"].get("server_side_binding") is True:
            return MAX_SERVER_BOUND_VALUES
        return None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: Any, objs: Any) -> int:
        """How many objects one statement may write or delete, as Django's Oracle backend says."""
        limit = self.connection.features.max_query_params
        columns = list(
            chain.from_iterable(
                field.fields if isinstance(field, CompositePrimaryKey) else [field]
                for field in fields
            )
        )
        if limit is None or not columns:
            return super().bulk_batch_size(fields, objs)
        return max(1, limit // len(columns))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def close_if_health_check_failed(self) -> None:
        """
        Django's health check (``CONN_HEALTH_CHECKS``) at a request's first query, without a
        round trip while the kept connection shows no sign of trouble (issue 17).

        Django asks the server ``SELECT 1`` before every request's first query: a round trip
        each signed-in page paid and the sign-in page, which reads no table, never did. A
        connection idle between requests receives nothing unless the server ended it (a restart,
        ``pg_terminate_backend``, an idle timeout: the server sends its error and closes the
        socket) or a notification arrived. So the socket is polled without waiting: if anything
        arrived, or the client already knows the connection broken, Django's own check
        (``is_usable``, the ``SELECT 1``) decides as before, and a dead connection is closed and
        replaced. A connection that died silently (a network cut, with no word from the server)
        is found by the next query's error instead, which closes it at the request's end
        (``errors_occurred``), as a connection that dies between the check and the query was.
        """
        # Django's attributes, which its type stubs do not declare.
        enabled = getattr(self, "health_check_enabled", False)
        if self.connection is None or not enabled or getattr(self, "health_check_done", True):
            return
        if getattr(self, "pool", None) is None and self._idle_socket_quiet():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _idle_socket_quiet(self) -> bool:
        """Whether the idle connection is open and nothing has arrived on its socket."""
        connection = self.connection
        try:
            if connection.closed or connection.broken:
                return False
            readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError, psycopg.Error):
            return False
        return not readable
