from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

from haven.organisations.app_config import HavenAppConfig
from haven.reports.stages import STAGE_TALLY
from haven.reports.tally import CASE_TALLY, CASE_TALLY_COUNTING_STAGED
from haven.reports.triggers import TriggeredTally

#: The migration that made the case tally leave out staged cases (``haven.reports.tally``).
LIVE_CASES_ONLY = ("reports", "0005_case_tally_leaves_out_staged_cases")


def _case_tally_of(connection: BaseDatabaseWrapper) -> TriggeredTally:
    """
    The case triggers the applied migrations call for: today's once 0005 is in, else the first
    ones (a database migrated back below 0005 keeps what 0005's reverse put back).
    """
    if LIVE_CASES_ONLY in MigrationRecorder(connection).applied_migrations():
        return CASE_TALLY
    return CASE_TALLY_COUNTING_STAGED


def _keep_tally_triggers(using: str = "default", **kwargs: Any) -> None:
    """SQLite loses a table's triggers when a migration rebuilds it: put them back, recount."""
    connection = connections[using]
    migrated = connection.introspection.table_names()
    for tally in (_case_tally_of(connection), STAGE_TALLY):
        if tally.table in migrated:
            tally.install(connection)
            tally.rebuild(connection)


class ReportsConfig(HavenAppConfig):
    verbose_name = "Reports"

    def ready(self) -> None:
        super().ready()
        post_migrate.connect(_keep_tally_triggers, sender=self)
        from haven.organisations.models import Role  # models load after the app registry
        from haven.organisations.policy import Permission, grant

        grant(Role.COORDINATOR, Permission.VIEW_OVERVIEW)
