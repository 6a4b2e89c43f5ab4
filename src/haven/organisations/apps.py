from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "haven.organisations"
    label = "organisations"
    verbose_name = "Organisations and members"
