from haven.organisations.app_config import HavenAppConfig


class CasesConfig(HavenAppConfig):
    verbose_name = "Cases"
    installs = ("haven.cases.access.install", "haven.cases.stored_files.install")
