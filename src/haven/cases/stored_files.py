"""A case's attachments are encrypted files in storage: backed up, restored and verified."""

from haven.cases.services import attachment_verify
from haven.vault.stored_files import register_encrypted_files


def install() -> None:
    register_encrypted_files("cases.attachment", attachment_verify)  # type: ignore[arg-type]
