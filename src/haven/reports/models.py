"""
Running counts of cases, kept by the database itself, so reports cost the same at any size.

``CaseTally`` holds, for each organisation, how many cases are in each stage and urgency, by the
month they were opened. Triggers on the cases table (migration 0001) add and remove one on every
insert, update and delete, in the same transaction as the change, whoever makes it: a service, an
import, a restore or an erasure. The report reads a few hundred tally rows instead of every case.
The table holds counts only, never an identifier of a case, and is rebuilt from the cases table
when a backup is restored, so it is not itself backed up.
"""

from django.db import models


class Tally(models.Model):
    """One cell of an organisation's counts: the organisation by its id, a count, no case."""

    organisation_id = models.UUIDField()
    id = models.BigAutoField(primary_key=True)

    class Meta:
        abstract = True


class CaseTally(Tally):
    status = models.CharField(max_length=32)
    urgency = models.CharField(max_length=16)
    month = models.CharField(max_length=7, help_text="YYYY-MM, in UTC, of the case's opening")
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "status", "urgency", "month"], name="one_tally_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status}/{self.urgency}/{self.month}: {self.cases}"


class StageTally(Tally):
    """
    How many times cases of an organisation left each stage after a given time in it.

    Kept by a trigger on the status-change table (``haven.reports.stages``); counts only.
    """

    stage = models.CharField(max_length=32)
    bucket = models.CharField(max_length=16, help_text="week, month, quarter or longer")
    moves = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "stage", "bucket"], name="one_stage_tally_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage}/{self.bucket}: {self.moves}"


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
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_id", "dimension", "value"], name="one_profile_tally_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}/{self.value}: {self.cases}"
