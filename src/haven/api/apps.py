from haven.organisations.app_config import HavenAppConfig


class ApiConfig(HavenAppConfig):
    verbose_name = "JSON API"
