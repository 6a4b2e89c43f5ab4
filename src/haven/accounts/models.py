"""
Organisations (the tenants), staff accounts and their roles.

An organisation's data is reachable only through a membership of that organisation; the role on
the membership is what ``haven.accounts.policy`` reads. Identifiers shown outside are UUIDs, never
sequential keys (AZ-02).
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A protection organisation: the unit of tenancy, keys and data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class User(AbstractUser):
    """A staff account. The login name is ``username``; nothing else about the person is required."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    LEGAL_ADVISER = "legal_adviser", _("Legal adviser")
    HOST_PARTNER = "host_partner", _("Host partner")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """One user's role in one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__slug", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"
