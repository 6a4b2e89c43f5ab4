"""
Referral to independent counsel (issue 13, item 5; ``docs/asylum-bridge.md``, "Referral to
counsel").

- ``LegalPartner``: one organisation's directory of legal-aid partners by host state. The name and
  the contact are encrypted under the partner's own data key (counsel's identity is among the facts
  never shared with a host programme, section 6); the host state, the age recipient (a public key)
  and its expiry date stay plain, so the directory can be sorted and a stale key refused without
  decrypting anything.
- ``CounselReferral``: a referral of one case to one partner, dated, under the defender's recorded
  consent to a referral (a ``cases.Consent`` for ``asylum_referral``). A case-keyed record.
- ``ReferralItem``: one item of the minimum referral pack, each chosen with the defender's consent
  to share that item with that counsel; withdrawable, never deleted. Its plain columns hold only the
  kind (an enumerated provider key) and the id of the record it names.
- ``PackExport``: each time the pack left Haven: when, by whom, to the key or to a passphrase, and
  which items it held. The pack itself is never stored: it is built in memory, encrypted and sent.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case, CaseKeyedRecord, Consent
from haven.organisations.constraints import one_row_per
from haven.organisations.records import OrganisationRecord, user_reference
from haven.vault.fields import EncryptedTextField
from haven.vault.records import OwnKeyRecord

PARTNER_KEY = "counsel_partner"


class LegalPartner(OrganisationRecord, OwnKeyRecord):
    """A legal-aid partner of one organisation in one host state, with counsel's age recipient."""

    key_owner_type = PARTNER_KEY

    name = EncryptedTextField(max_length=200)
    contact = EncryptedTextField(max_length=1000)
    host_state = models.CharField(max_length=2)
    # An age X25519 recipient: a public key, safe to keep plain; counsel keeps the identity.
    age_recipient = models.CharField(max_length=100)
    key_expires_on = models.DateField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["host_state", "created_at"]
        indexes = [models.Index(fields=["organisation", "host_state"])]

    def key_expired(self, today: datetime.date | None = None) -> bool:
        return self.key_expires_on < (today or timezone.localdate())


class CounselReferral(CaseKeyedRecord):
    """One referral of a case to counsel, under the defender's recorded consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="counsel_referrals")
    partner = models.ForeignKey(LegalPartner, on_delete=models.PROTECT, related_name="referrals")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    host_state = models.CharField(max_length=2)
    referred_on = models.DateField()
    note = EncryptedTextField(max_length=2000)

    class Meta(CaseKeyedRecord.Meta):
        indexes = [models.Index(fields=["case", "recorded_at"])]

    @property
    def reference(self) -> str:
        """A short reference for the file name: it names no case and no person."""
        return str(self.pk)[:8].upper()


class ReferralItem(OrganisationRecord):
    """One item of the pack, shared only with the defender's consent to share it with this counsel."""

    referral = models.ForeignKey(CounselReferral, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=32)
    # The record the item names (a threat, an attachment, a stay...); none for whole-case items.
    object_id = models.UUIDField(null=True, blank=True)
    consent_given_on = models.DateField()
    consent_recorded_by = user_reference()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["referral", "position"]
        constraints = [
            one_row_per("referral", "kind", "object_id", name="counsel_item_once_per_referral")
        ]


class ExportMode(models.TextChoices):
    RECIPIENT = "recipient", _("To counsel's key")
    PASSPHRASE = "passphrase", _("To a passphrase")


class PackExport(OrganisationRecord):
    """One time the pack left Haven; lists the items it held, never their content."""

    referral = models.ForeignKey(CounselReferral, on_delete=models.CASCADE, related_name="exports")
    mode = models.CharField(max_length=16, choices=ExportMode.choices)
    items = models.ManyToManyField(ReferralItem, related_name="exports")
    exported_by = user_reference()
    exported_at = models.DateTimeField(default=timezone.now)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["exported_at"]
