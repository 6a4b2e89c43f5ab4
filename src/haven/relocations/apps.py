from django.apps import AppConfig


class RelocationsConfig(AppConfig):
    name = "haven.relocations"
    label = "relocations"
    verbose_name = "Relocation stays"

    def ready(self) -> None:
        from haven.relocations import access, case_records

        access.install()
        case_records.install()
