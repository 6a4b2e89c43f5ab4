"""
A defender's files waiting in the queue are evidence too: backed up, restored and verified like a
case's attachments.
"""

from haven.portal.services import referral_file_verify
from haven.vault.stored_files import register_encrypted_files


def install() -> None:
    register_encrypted_files("portal.referralfile", referral_file_verify)  # type: ignore[arg-type]
