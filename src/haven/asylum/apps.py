from haven.organisations.app_config import HavenAppConfig


class AsylumConfig(HavenAppConfig):
    verbose_name = "The bridge to asylum"
    installs = (
        "haven.asylum.access.install",
        "haven.asylum.case_records.install",
        # Tension: on the case page, each application and each proposed placement.
        "haven.asylum.tension.install",
        # The host state's rules and deadline warnings, for the case team (case page).
        "haven.asylum.deadlines.install",
        # The assessment's jurisdiction follows the host state of the stay.
        "haven.asylum.jurisdiction.install",
    )
