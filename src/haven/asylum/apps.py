from django.apps import AppConfig


class AsylumConfig(AppConfig):
    name = "haven.asylum"
    label = "asylum"
    verbose_name = "The bridge to asylum"
