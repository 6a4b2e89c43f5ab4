from haven.organisations.app_config import HavenAppConfig


class PortalConfig(HavenAppConfig):
    verbose_name = "Portal"
    # The case page's question whether a portal referral led to the case.
    installs = ("haven.portal.selectors.install",)

    def ready(self) -> None:
        super().ready()
        from haven.organisations.models import Role
        from haven.organisations.policy import Permission, grant
        from haven.portal.services import referral_file_verify
        from haven.vault.backup import register_stored_files
        from haven.vault.integrity import register_file_opener

        # A defender's files waiting in the queue are evidence too: backed up, restored, verified.
        register_stored_files("portal.referralfile", "storage_name")
        register_file_opener("portal.referralfile", referral_file_verify)  # type: ignore[arg-type]
        grant(Role.COORDINATOR, Permission.PORTAL_TRIAGE)
        grant(Role.CASEWORKER, Permission.PORTAL_TRIAGE)
