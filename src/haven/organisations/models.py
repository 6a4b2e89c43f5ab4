"""
Organisations (the tenants), their members and the members' roles.

An organisation's data is reachable only through a membership of that organisation; the role on
the membership is what ``haven.organisations.policy`` reads. Identifiers shown outside are UUIDs,
never sequential keys (AZ-02). The tables keep the names they had when these models lived in
``accounts``, so moving them changed no data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.organisations.constraints import one_row_per


class Organisation(models.Model):
    """A protection organisation: the unit of tenancy, keys and data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_organisation"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    LEGAL_ADVISER = "legal_adviser", _("Legal adviser")
    HOST_PARTNER = "host_partner", _("Host partner")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """One user's role in one organisation: the acting party every service and selector takes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_membership"
        ordering = ["organisation__slug", "user__username"]
        constraints = [one_row_per("user", "organisation", name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"
