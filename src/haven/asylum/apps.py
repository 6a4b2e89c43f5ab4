from django.apps import AppConfig


class AsylumConfig(AppConfig):
    name = "haven.asylum"
    label = "asylum"
    verbose_name = "The bridge to asylum"

    def ready(self) -> None:
        from haven.asylum import access, case_records

        access.install()
        case_records.install()
