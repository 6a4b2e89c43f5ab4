from django.apps import AppConfig

from haven.web import digits
from haven.web.templatetags import reading


class WebConfig(AppConfig):
    name = "haven.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        # Every form's number, date and time fields read Arabic-Indic and Persian digits too.
        digits.install()
        # Numbers and dates in translated sentences are written in the reader's digits.
        reading.install()
