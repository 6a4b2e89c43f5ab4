from haven.organisations.app_config import HavenAppConfig


class CasesConfig(HavenAppConfig):
    verbose_name = "Cases"
    installs = ("haven.cases.access.install",)

    def ready(self) -> None:
        super().ready()
        from haven.cases.services import attachment_verify
        from haven.vault.backup import register_stored_files
        from haven.vault.integrity import register_file_opener

        register_stored_files("cases.attachment", "storage_name")
        register_file_opener("cases.attachment", attachment_verify)  # type: ignore[arg-type]
