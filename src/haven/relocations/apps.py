from haven.organisations.app_config import HavenAppConfig


class RelocationsConfig(HavenAppConfig):
    verbose_name = "Relocation stays"
    installs = ("haven.relocations.access.install", "haven.relocations.case_records.install")
