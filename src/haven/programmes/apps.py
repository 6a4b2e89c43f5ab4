from haven.organisations.app_config import HavenAppConfig


class ProgrammesConfig(HavenAppConfig):
    verbose_name = "Programmes, applications and matching"
    installs = ("haven.programmes.policy.install",)
