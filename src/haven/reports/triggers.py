"""
Tally tables the database keeps itself: triggers on the counted table add and take away as its
rows change, in the same transaction, whoever writes them.

A ``TriggeredTally`` holds, for each database vendor, the statements that install its triggers,
the ones that remove them and the one that counts everything again from scratch; the case tally
(``haven.reports.tally``) and the stage tally (``haven.reports.stages``) each declare one, and
the migrations and ``ReportsConfig`` run them. Every statement is safe to run twice. A database
with no statements of its own (neither SQLite nor PostgreSQL) gets no triggers and no recount.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper


def _execute(connection: BaseDatabaseWrapper, statements: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@dataclass(frozen=True)
class TriggeredTally:
    """One tally table and its SQL, by vendor (``connection.vendor``: "sqlite", "postgresql")."""

    table: str
    create: Mapping[str, Sequence[str]]
    drop: Mapping[str, Sequence[str]]
    recount: Mapping[str, str]

    def install(self, connection: BaseDatabaseWrapper) -> None:
        """Create the triggers where they are missing; nothing else changes."""
        _execute(connection, self.create.get(connection.vendor, ()))

    def remove(self, connection: BaseDatabaseWrapper) -> None:
        _execute(connection, self.drop.get(connection.vendor, ()))

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        """Empty the tally and count everything again (after a restore, an import, a lost trigger)."""
        recount = self.recount.get(connection.vendor)
        if recount is not None:
            # ``table`` is one of this package's constants, never input.
            _execute(connection, [f"DELETE FROM {self.table};", recount])  # noqa: S608
