from haven.organisations.app_config import HavenAppConfig


class AuditConfig(HavenAppConfig):
    verbose_name = "Audit"
