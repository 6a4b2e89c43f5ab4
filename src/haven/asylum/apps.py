from django.apps import AppConfig


class AsylumConfig(AppConfig):
    name = "haven.asylum"
    label = "asylum"
    verbose_name = "The bridge to asylum"

    def ready(self) -> None:
        from haven.asylum import access, case_records, deadlines, jurisdiction, tension

        access.install()
        case_records.install()
        # Tension: on the case page, each application and each proposed placement.
        tension.install()
        # The host state's rules and deadline warnings, for the case team (case page).
        deadlines.install()
        # The assessment's jurisdiction follows the host state of the stay.
        jurisdiction.install()
