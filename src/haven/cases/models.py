"""
Case records. Sensitive columns are vault fields; everything in plain columns is deliberately
non-identifying (codes, statuses, timestamps, foreign keys).

Each model says which data key encrypts it through ``vault_key_ref()``: a defender uses its own,
a case and its notes use the case's. Cases and defenders point at their ``DataKey`` row, so a
query with ``select_related("data_key__organisation_key")`` brings every key a page needs in the
same round trip.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.vault.blind_index import (
    BlindIndex,
    normalise_document_number,
    normalise_email,
    normalise_phone,
    normalise_text,
)
from haven.vault.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from haven.vault.keyring import KeyRef, preloaded_relation
from haven.vault.models import DataKey

CASE_KEY = "case"
DEFENDER_KEY = "defender"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ERASED = "erased", _("Erased")


class Defender(models.Model):
    """A human rights defender: identity and contact details, under the defender's own data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="defenders"
    )
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")
    legal_name = EncryptedTextField(max_length=300)
    other_names = EncryptedJSONField()
    birth_date = EncryptedDateField()
    phone = EncryptedTextField(max_length=50)
    email = EncryptedTextField(max_length=254)
    document_number = EncryptedTextField(max_length=100)
    address = EncryptedTextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    # Sized for 10,000 defenders per organisation: C = 10000 / 2**12 ~ 2.4 rows share a token (BI-02).
    # Input entropy is a conservative guess for each kind of value; all are well above 16 bits.
    vault_blind_indexes = (
        BlindIndex("legal_name", "legal_name", normalise_text, bits=12, input_entropy_bits=24),
        BlindIndex("other_names", "other_names", normalise_text, bits=12, input_entropy_bits=24),
        BlindIndex("phone", "phone", normalise_phone, bits=12, input_entropy_bits=30),
        BlindIndex("email", "email", normalise_email, bits=12, input_entropy_bits=30),
        BlindIndex(
            "document_number",
            "document_number",
            normalise_document_number,
            bits=12,
            input_entropy_bits=30,
        ),
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"defender {self.pk}"

    def vault_key_ref(self) -> KeyRef:
        return KeyRef(
            self.organisation_id, DEFENDER_KEY, self.pk, preloaded_relation(self, "data_key")
        )


class Case(models.Model):
    """One defender's protection case; ``code`` is the only identifier shown in lists and URLs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    code = models.CharField(max_length=20)
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    facts = EncryptedJSONField()
    external_reference = EncryptedTextField(max_length=200)
    defenders: "models.ManyToManyField[Defender, CaseDefender]" = models.ManyToManyField(
        Defender, through="CaseDefender", related_name="cases"
    )
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="case_code_unique_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def vault_key_ref(self) -> KeyRef:
        return KeyRef(self.organisation_id, CASE_KEY, self.pk, preloaded_relation(self, "data_key"))


class CaseDefenderRole(models.TextChoices):
    PRINCIPAL = "principal", _("The defender at risk")
    FAMILY = "family", _("A family member in the case")


class CaseDefender(models.Model):
    """The link between a case and a defender it concerns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="defender_links")
    defender = models.ForeignKey(Defender, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(
        max_length=16, choices=CaseDefenderRole.choices, default=CaseDefenderRole.PRINCIPAL
    )

    class Meta:
        ordering = ["case", "role"]
        constraints = [
            models.UniqueConstraint(fields=["case", "defender"], name="one_link_per_case_defender"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.defender_id}"


class Note(models.Model):
    """A caseworker's note; the body is encrypted under the case's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField(max_length=20_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"

    def vault_key_ref(self) -> KeyRef:
        return KeyRef(
            self.organisation_id,
            CASE_KEY,
            self.case_id,
            preloaded_relation(self, "case", "data_key"),
        )


class ErasureState(models.TextChoices):
    PENDING = "pending", _("Waiting for a second coordinator")
    APPROVED = "approved", _("Approved: the case is erased")


class CaseErasure(models.Model):
    """
    A request to erase a case, its second-coordinator approval, and afterwards its tombstone.

    Holds no personal data, so it survives the erasure and says who asked, who approved and when.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="erasures")
    state = models.CharField(
        max_length=16, choices=ErasureState.choices, default=ErasureState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"erasure of {self.case_id} ({self.state})"
