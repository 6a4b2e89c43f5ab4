"""
The columns most of Haven's tables share: a UUID key, the owning organisation, and who did it.

Every app above this layer keeps rows that belong to one organisation and name the people who
wrote or decided them. Declaring those columns once keeps them the same everywhere: a UUID key so
no sequential id leaks outside (AZ-02), ``PROTECT`` on the organisation so a tenant cannot be
deleted while its records exist, no reverse accessor on ``Organisation`` (``related_name="+"``) so
nothing lists an organisation's rows of every kind by accident, and ``SET_NULL`` on a person so
that deleting an account keeps the record and forgets only who wrote it.

Every record also names itself the same way, by its kind and its id (``NamedByKind``): the name
says which row it is in a log line or a shell, and, like a URL, never what the row holds.

The definitions are exactly those the migrations already hold, so using them changes no schema.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from haven.organisations.models import Organisation


class NamedByKind(models.Model):
    """
    A row whose ``str()`` is its kind and its id (``"threat 3f2c..."``), never what it holds.

    The kind is the model's verbose name, so no record repeats its own ``__str__``; most hold
    encrypted data, which must not leak into logs or error pages through a representation.
    """

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class OrganisationRecord(NamedByKind):
    """A row owned by one organisation, named outside by a UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


def user_reference(*, blank: bool = True) -> "models.ForeignKey[Any, Any]":
    """
    A column naming the person who wrote, recorded or decided something.

    Nullable and ``SET_NULL``: the record outlives the account. ``blank=False`` keeps the older
    columns that forms never left empty exactly as their migrations declare them.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )
