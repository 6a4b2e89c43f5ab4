from haven.audit.keys import register_key_source
from haven.organisations.app_config import HavenAppConfig
from haven.vault.masterkey import configured_audit_secrets


class VaultConfig(HavenAppConfig):
    verbose_name = "Vault"

    def ready(self) -> None:
        super().ready()
        # The audit core may not import the vault (it sits below it), so the vault hands it the
        # secrets derived from the master key here, once Django has loaded (AUD-02, AUD-04).
        register_key_source(configured_audit_secrets)
