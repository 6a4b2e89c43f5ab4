from haven.organisations.app_config import HavenAppConfig


class WebConfig(HavenAppConfig):
    verbose_name = "Web"
    installs = (
        # Every form's number, date and time fields read Arabic-Indic and Persian digits too.
        "haven.web.digits.install",
        # Numbers and dates in translated sentences are written in the reader's digits.
        "haven.web.templatetags.reading.install",
    )
