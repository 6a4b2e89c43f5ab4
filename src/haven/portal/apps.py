from haven.organisations.app_config import HavenAppConfig


class PortalConfig(HavenAppConfig):
    verbose_name = "Portal"
    installs = (
        # The case page's question whether a portal referral led to the case.
        "haven.portal.selectors.install",
        "haven.portal.stored_files.install",
    )

    def ready(self) -> None:
        super().ready()
        from haven.organisations.models import Role
        from haven.organisations.policy import Permission, grant

        grant(Role.COORDINATOR, Permission.PORTAL_TRIAGE)
        grant(Role.CASEWORKER, Permission.PORTAL_TRIAGE)
