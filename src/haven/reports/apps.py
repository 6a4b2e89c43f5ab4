from typing import Any

from django.db import connections
from django.db.models.signals import post_migrate

from haven.organisations.app_config import HavenAppConfig
from haven.reports.stages import STAGE_TALLY
from haven.reports.tally import CASE_TALLY


def _keep_tally_triggers(using: str = "default", **kwargs: Any) -> None:
    """SQLite loses a table's triggers when a migration rebuilds it: put them back, recount."""
    connection = connections[using]
    migrated = connection.introspection.table_names()
    for tally in (CASE_TALLY, STAGE_TALLY):
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
