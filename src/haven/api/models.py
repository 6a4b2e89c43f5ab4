"""Personal access tokens for the JSON API."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.organisations.models import Membership


class Scope(models.TextChoices):
    """What a token may be used for; a token carries one or more, and the role still applies."""

    READ_CASES = "cases:read", _("Read cases, threats, assessments and stays")
    WRITE_RECORDS = "records:write", _("Record threats and run assessments")
    READ_REPORTS = "reports:read", _("Read aggregate reports")


class AccessToken(models.Model):
    """
    A token a member made for a script or another tool.

    Only the SHA-256 digest of the token is kept: the token carries 256 random bits, so the digest
    cannot be reversed by guessing, and a copy of the database cannot call the API. The prefix
    lets its owner tell tokens apart without the secret.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"token {self.prefix}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, scope: "Scope") -> bool:
        return scope.value in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [str(Scope(value).label) for value in self.scopes if value in Scope.values]
