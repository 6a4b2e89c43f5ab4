from django.apps import AppConfig

from haven.audit.keys import register_key_source
from haven.vault.masterkey import configured_audit_secrets


class VaultConfig(AppConfig):
    name = "haven.vault"
    label = "vault"
    verbose_name = "Vault"

    def ready(self) -> None:
        # The audit core may not import the vault (it sits below it), so the vault hands it the
        # secrets derived from the master key here, once Django has loaded (AUD-02, AUD-04).
        register_key_source(configured_audit_secrets)
