"""
Rows that name an encrypted file in the default storage (a case's attachment, a referral's file).

Such a file is evidence: backups carry it, restores put it back and ``haven vault verify`` opens
it. Registering both at once keeps every app that stores files from forgetting one of the two.
"""

from haven.vault.backup import register_stored_files
from haven.vault.integrity import FileOpener, register_file_opener

#: The column every file-holding model keeps its random storage name in.
STORAGE_NAME_COLUMN = "storage_name"


def register_encrypted_files(model_label: str, opener: FileOpener) -> None:
    """Back up, restore and verify the file each ``model_label`` row names in its storage column."""
    register_stored_files(model_label, STORAGE_NAME_COLUMN)
    register_file_opener(model_label, opener)
