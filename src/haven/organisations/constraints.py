"""
The rule most of Haven's tables state in their ``Meta``: at most one row for each combination of
some columns (one membership per user and organisation, one preparation per stay...).

Stated through ``one_row_per`` it reads as the rule it is, with the constraint's name beside it.
The constraint is exactly the ``UniqueConstraint`` the migrations already hold, so using it changes
no schema.
"""

from django.db import models


def one_row_per(
    *fields: str, name: str, condition: models.Q | None = None
) -> models.UniqueConstraint:
    """
    A table holds at most one row for each value of ``fields`` (among rows matching ``condition``).

    A second write of the same row (a double submit, a job run twice) fails in the database, in
    the same transaction, rather than leaving two rows that say different things.
    """
    return models.UniqueConstraint(fields=list(fields), condition=condition, name=name)
