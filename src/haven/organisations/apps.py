from haven.organisations.app_config import HavenAppConfig


class OrganisationsConfig(HavenAppConfig):
    verbose_name = "Organisations and members"
