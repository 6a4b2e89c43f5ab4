"""
Running counts of cases, kept by the database itself, so reports cost the same at any size.

``CaseTally`` holds, for each organisation, how many cases are in each stage and urgency, by the
month they were opened. Triggers on the cases table (``haven.reports.tally``, migrations 0002 and
0005) add and remove one on every insert, update and delete, in the same transaction as the
change, whoever makes it: a service, an import, a restore or an erasure. Cases an unfinished
import staged are left out until it releases them. The report reads a few hundred tally rows instead of every case.
The table holds counts only, never an identifier of a case, and is rebuilt from the cases table
when a backup is restored, so it is not itself backed up.
"""

from typing import ClassVar

from django.db import models

from haven.organisations.constraints import one_row_per


def one_row_per_cell(*cell: str, name: str) -> models.UniqueConstraint:
    """The constraint of every tally: one row per organisation and cell, which the triggers rely on."""
    return one_row_per("organisation_id", *cell, name=name)


class Tally(models.Model):
    """One cell of an organisation's counts: the organisation by its id, a count, no case."""

    organisation_id = models.UUIDField()
    id = models.BigAutoField(primary_key=True)

    #: The column that holds the count; the cell is what ``one_row_per_cell`` makes unique.
    count_column: ClassVar[str] = "cases"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        """The cell and its count (``"intake/routine/2026-11: 4"``): counts only, nothing to name."""
        columns = next(
            constraint.fields
            for constraint in self._meta.constraints
            if isinstance(constraint, models.UniqueConstraint)
        )
        cell = "/".join(str(getattr(self, column)) for column in columns[1:])
        return f"{cell}: {getattr(self, self.count_column)}"


class CaseTally(Tally):
    status = models.CharField(max_length=32)
    urgency = models.CharField(max_length=16)
    month = models.CharField(max_length=7, help_text="YYYY-MM, in UTC, of the case's opening")
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [one_row_per_cell("status", "urgency", "month", name="one_tally_per_cell")]


class StageTally(Tally):
    """
    How many times cases of an organisation left each stage after a given time in it.

    Kept by a trigger on the status-change table (``haven.reports.stages``); counts only.
    """

    stage = models.CharField(max_length=32)
    bucket = models.CharField(max_length=16, help_text="week, month, quarter or longer")
    moves = models.IntegerField(default=0)

    count_column = "moves"

    class Meta:
        constraints = [one_row_per_cell("stage", "bucket", name="one_stage_tally_per_cell")]


class ProfileTally(Tally):
    """
    How many live cases of an organisation have each risk level, country and profile.

    These values are encrypted in each case, so no trigger can count them: a background job
    (``haven.reports.profiles``) decrypts the live cases and replaces an organisation's rows,
    hourly in ``haven worker``. Counts only, never an identifier of a case; ``computed_at`` tells
    readers how old the counts are. Not backed up: the next run recounts.
    """

    dimension = models.CharField(max_length=16, help_text="risk, country or profile")
    value = models.CharField(max_length=64, help_text="a code, or '' when not recorded")
    cases = models.IntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [one_row_per_cell("dimension", "value", name="one_profile_tally_per_cell")]
