from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "haven.programmes"
    label = "programmes"
    verbose_name = "Programmes, applications and matching"

    def ready(self) -> None:
        from haven.programmes import policy

        policy.install()
