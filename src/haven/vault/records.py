"""
The base of rows sealed under a data key of their own: a case, a defender, a portal referral, a
matching run, a legal partner.

Such a row owns one ``DataKey``: its vault fields (and, for a case, every record of the case) are
encrypted under it, and destroying it erases them (crypto-shredding). Declaring the key column and
the key reference once keeps every owner alike: the key row cannot be deleted while its owner
exists (``PROTECT``), no key lists its owner (``related_name="+"``), and a query that
``select_related`` the key hands it to the key ring, which then reads no row of its own.

A row that names an encrypted file in the default storage (a case's attachment, a referral's file)
keeps the same five columns whoever owns it: ``EncryptedFileRecord`` declares them once, so the
upload, download, backup and erasure code that reads them can rely on one shape.

The columns are exactly the ones the migrations already hold, so using the bases changes no schema.
"""

import uuid
from typing import ClassVar

from django.db import models

from haven.vault.fields import EncryptedTextField
from haven.vault.keyring import KeyRef, preloaded_relation
from haven.vault.models import DataKey


class OwnKeyRecord(models.Model):
    """A row of one organisation encrypted under its own data key, filed as ``key_owner_type``."""

    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")

    #: The owner type the row's ``DataKey`` is filed under (``"case"``, ``"defender"``...).
    key_owner_type: ClassVar[str]
    #: Every owner belongs to one organisation: the column its subclass (or base) declares.
    organisation_id: uuid.UUID

    class Meta:
        abstract = True

    def vault_key_ref(self) -> KeyRef:
        return KeyRef(
            self.organisation_id, self.key_owner_type, self.pk, preloaded_relation(self, "data_key")
        )


class EncryptedFileRecord(models.Model):
    """
    A file's stored half: its bytes live in the default storage under the random
    ``storage_name``, sealed with a key of their own that is kept here wrapped by the owner's key;
    the name the user gave is encrypted under the row's key.
    """

    name = EncryptedTextField(max_length=300)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    wrapped_key = models.BinaryField()
    storage_name = models.CharField(max_length=100)

    class Meta:
        abstract = True
