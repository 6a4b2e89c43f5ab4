from haven.organisations.app_config import HavenAppConfig


class AccountsConfig(HavenAppConfig):
    verbose_name = "Accounts and organisations"
    # Connects the axes lockout receiver.
    registering_modules = ("haven.accounts.signals",)

    def ready(self) -> None:
        super().ready()
        from haven.accounts.models import SealedTOTPDevice
        from haven.vault.integrity import register_value_opener

        # `haven vault verify` opens every TOTP seed too (sealed under the system key).
        register_value_opener(
            SealedTOTPDevice._meta.label_lower,
            lambda device: device.bin_key,  # type: ignore[attr-defined]
        )
