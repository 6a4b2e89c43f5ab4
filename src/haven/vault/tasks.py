"""The vault's background job, enqueued by ``haven worker`` on every run."""

from django_tasks import task

from haven.vault.storage import retry_pending_deletions


@task()
def retry_file_deletions() -> int:
    """Try again the stored-file deletions that failed after an erasure; return how many went."""
    return retry_pending_deletions().deleted
