"""
The defenders' portal: referrals, their files, messages with the case team, portal sessions and
the counters that keep a flood away from staff.

A referral is encrypted under its own data key, wrapped by its organisation's key, from the moment
it arrives; its plain columns hold only what the intake queue sorts on (status, urgency, language,
times). Messages are encrypted under the key of the case the referral became. Receipt codes and
passphrases are never stored: only a SHA-256 digest of the code (it has over 100 bits of entropy)
and an Argon2id hash of the passphrase.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case, CaseKeyedModel, Urgency
from haven.organisations.constraints import one_row_per
from haven.organisations.records import NamedByKind, OrganisationRecord, user_reference
from haven.vault.fields import EncryptedJSONField, EncryptedTextField
from haven.vault.keyring import KeyRef, preloaded_relation
from haven.vault.records import EncryptedFileRecord, OwnKeyRecord

REFERRAL_KEY = "referral"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the team")
    CASE_OPENED = "case_opened", _("A case was opened")
    LINKED = "linked", _("Added to an existing case")
    DECLINED = "declined", _("Declined")


class ContactChannel(models.TextChoices):
    SIGNAL = "signal", _("Signal")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    OTHER = "other", _("Another way (say which)")


class Referral(OrganisationRecord, OwnKeyRecord):
    """One self-referral from the portal, encrypted under its own key until staff triage it."""

    key_owner_type = REFERRAL_KEY

    # A short random label staff can say aloud; it reveals nothing and opens nothing.
    reference = models.CharField(max_length=16)
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    urgency_rank = models.PositiveSmallIntegerField(default=2)
    language = models.CharField(max_length=8)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = user_reference()
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_referrals"
    )
    # What the defender wrote: {"name", "channel", "handle", "country", "when", "account"}.
    account = EncryptedJSONField()
    decline_reason = EncryptedTextField(max_length=2000)
    receipt_digest = models.CharField(max_length=64, unique=True)
    passphrase_hash = models.CharField(max_length=200)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "urgency_rank", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def channel_label(self) -> str:
        """How the defender asked to be reached, in the reader's words (never the stored code)."""
        channel = (self.account or {}).get("channel", "")
        return str(ContactChannel(channel).label) if channel in ContactChannel.values else ""


class ReferralFile(OrganisationRecord, EncryptedFileRecord):
    """A cleaned file sent with a referral, encrypted under its own key wrapped by the referral's."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["id"]

    def vault_key_ref(self) -> KeyRef:
        return KeyRef(
            self.organisation_id,
            REFERRAL_KEY,
            self.referral_id,
            preloaded_relation(self, "referral", "data_key"),
        )


class MessageDirection(models.TextChoices):
    FROM_DEFENDER = "from_defender", _("From the defender")
    FROM_TEAM = "from_team", _("From the case team")


class PortalMessage(CaseKeyedModel):
    """A message between the defender and the case team, encrypted under the case's key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_messages")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=MessageDirection.choices)
    author = user_reference()
    body = EncryptedTextField(max_length=5000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at"]


class PortalSession(NamedByKind):
    """
    A defender's signed-in visit, opened by receipt and passphrase.

    Kept apart from staff sessions: its own table and cookie, holding nothing but a digest of the
    cookie's random token and the referral it opens.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_at"]


class PortalFormToken(NamedByKind):
    """A portal form's one-time token, claimed when the form is saved: a replay saves nothing."""

    token = models.UUIDField(primary_key=True)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["used_at"]


class PortalCounter(NamedByKind):
    """How many times something happened on the portal in one time window (rate limits)."""

    scope = models.CharField(max_length=40)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["window_start"]
        constraints = [one_row_per("scope", "window_start", name="one_counter_per_window")]
