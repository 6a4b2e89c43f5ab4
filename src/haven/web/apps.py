from django.apps import AppConfig

from haven.web import digits


class WebConfig(AppConfig):
    name = "haven.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        # Every form's number, date and time fields read Arabic-Indic and Persian digits too.
        digits.install()
