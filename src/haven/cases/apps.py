from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haven.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from haven.cases import access
        from haven.cases.services import attachment_verify
        from haven.vault.backup import register_stored_files
        from haven.vault.integrity import register_file_opener

        access.install()
        register_stored_files("cases.attachment", "storage_name")
        register_file_opener("cases.attachment", attachment_verify)  # type: ignore[arg-type]
