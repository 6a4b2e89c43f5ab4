"""
Key storage. Rows here hold keys only in wrapped form; the master key that opens them never does.

``OrganisationKey`` rows are wrapped under the master key (one per organisation, purpose and
version; organisation-less rows hold system secrets such as TOTP seeds). ``DataKey`` rows are
wrapped under an organisation's data key, one per case and per defender: destroying one is how a
record is erased (crypto-shredding). ``BlindIndexEntry`` rows hold truncated keyed hashes for
exact search; they live in their own table so erasing an owner deletes them in one statement.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.organisations.constraints import one_row_per
from haven.organisations.models import Organisation


class KeyPurpose(models.TextChoices):
    DATA = "data", _("Wraps data keys")
    BLIND_INDEX = "blind_index", _("Root of blind-index keys")
    SYSTEM = "system", _("Encrypts organisation-less system secrets")


class KeyState(models.TextChoices):
    ACTIVE = "active", _("Active: wraps new keys")
    RETIRED = "retired", _("Retired: still opens keys it wrapped before a rotation")
    DESTROYED = "destroyed", _("Destroyed")


class OrganisationKey(models.Model):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="vault_keys"
    )
    purpose = models.CharField(max_length=16, choices=KeyPurpose.choices)
    version = models.PositiveIntegerField()
    wrapped = models.BinaryField(null=True)
    master_key_id = models.CharField(max_length=16)
    state = models.CharField(max_length=16, choices=KeyState.choices, default=KeyState.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "purpose", "version"]
        constraints = [
            one_row_per("organisation", "purpose", "version", name="one_org_key_per_version"),
            one_row_per(
                "purpose",
                "version",
                name="one_system_key_per_version",
                condition=models.Q(organisation__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id or 'system'}:{self.purpose}:v{self.version}"


class DataKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vault_data_keys"
    )
    owner_type = models.CharField(max_length=32)
    owner_id = models.UUIDField()
    version = models.PositiveSmallIntegerField(default=1)
    wrapped = models.BinaryField(null=True)
    organisation_key = models.ForeignKey(
        OrganisationKey, on_delete=models.PROTECT, related_name="data_keys"
    )
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [one_row_per("owner_type", "owner_id", name="one_data_key_per_owner")]

    def __str__(self) -> str:
        return f"{self.owner_type}:{self.owner_id}"


class BlindIndexEntry(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="vault_blind_index_entries"
    )
    index_name = models.CharField(max_length=100)
    owner_id = models.UUIDField(db_index=True)
    token = models.CharField(max_length=16)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "index_name", "token"])]

    def __str__(self) -> str:
        return f"{self.index_name}:{self.token}"


class PendingFileDeletion(models.Model):
    """
    A stored file to delete, written in the transaction that let go of it (an erasure).

    The deletion is tried once the transaction commits; the row goes when the file is gone. A
    deletion that fails, or never ran (the process killed after the commit), leaves the row, and
    ``haven worker`` tries again with a growing delay (``haven.vault.storage``). The name is a
    random storage name (``attachments/<uuid>``), never a person's file name.
    """

    storage_name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The exception's class name only (``PermissionError``): never a path or a message.
    last_error = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]

    def __str__(self) -> str:
        return self.storage_name
