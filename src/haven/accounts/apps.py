from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from haven.accounts import signals  # noqa: F401  (connects the axes lockout receiver)
        from haven.accounts.models import SealedTOTPDevice
        from haven.vault.integrity import register_value_opener

        # `haven vault verify` opens every TOTP seed too (sealed under the system key).
        register_value_opener(
            SealedTOTPDevice._meta.label_lower,
            lambda device: device.bin_key,  # type: ignore[attr-defined]
        )
