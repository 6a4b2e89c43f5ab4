from typing import Any

from django.db import connections
from django.db.models.signals import post_migrate

from haven.organisations.app_config import HavenAppConfig
from haven.reports.stages import install_stage_triggers, rebuild_stage_tally
from haven.reports.tally import install_tally_triggers, rebuild_tally


def _keep_tally_triggers(using: str = "default", **kwargs: Any) -> None:
    """SQLite loses a table's triggers when a migration rebuilds it: put them back, recount."""
    connection = connections[using]
    if "reports_casetally" not in connection.introspection.table_names():
        return
    install_tally_triggers(connection)
    rebuild_tally(connection)
    if "reports_stagetally" in connection.introspection.table_names():
        install_stage_triggers(connection)
        rebuild_stage_tally(connection)


class ReportsConfig(HavenAppConfig):
    verbose_name = "Reports"

    def ready(self) -> None:
        super().ready()
        post_migrate.connect(_keep_tally_triggers, sender=self)
        from haven.organisations.models import Role  # models load after the app registry
        from haven.organisations.policy import Permission, grant

        grant(Role.COORDINATOR, Permission.VIEW_OVERVIEW)
