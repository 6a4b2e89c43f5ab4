from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "haven.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from haven.organisations.models import Role
        from haven.organisations.policy import Permission, grant

        grant(Role.COORDINATOR, Permission.PORTAL_TRIAGE)
        grant(Role.CASEWORKER, Permission.PORTAL_TRIAGE)
