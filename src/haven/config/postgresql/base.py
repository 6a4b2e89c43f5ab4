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

from itertools import chain
from typing import Any

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
