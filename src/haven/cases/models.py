"""
Case records. Sensitive columns are vault fields; everything in plain columns is deliberately
non-identifying (codes, statuses, timestamps, foreign keys).

Each model says which data key encrypts it through ``vault_key_ref()``: a defender uses its own,
a case and its notes use the case's. Cases and defenders point at their ``DataKey`` row, so a
query with ``select_related("data_key__organisation_key")`` brings every key a page needs in the
same round trip.
"""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.domain.lifecycle import CaseStatus as CaseStatus  # re-exported: the one definition
from haven.organisations.constraints import one_row_per
from haven.organisations.models import Organisation
from haven.organisations.records import NamedByKind, OrganisationRecord, user_reference
from haven.vault.blind_index import (
    BlindIndex,
    name_prefixes,
    normalise_document_number,
    normalise_email,
    normalise_name,
    normalise_phone,
    phone_tail,
)
from haven.vault.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from haven.vault.keyring import KeyRef, preloaded_relation
from haven.vault.records import EncryptedFileRecord, OwnKeyRecord

CASE_KEY = "case"
#: Where a case without a due date sorts in lists: after every real date.
NO_DUE_DATE = datetime.date(9999, 12, 31)
DEFENDER_KEY = "defender"


#: The labels people read for each lifecycle status; the statuses themselves (and the moves between
#: them) are ``haven.domain.lifecycle.CaseStatus``, the one definition.
CASE_STATUS_LABELS: dict[CaseStatus, str | Promise] = {
    CaseStatus.INTAKE: _("Intake"),
    CaseStatus.SCREENING: _("Screening"),
    CaseStatus.NOT_ELIGIBLE: _("Not eligible"),
    CaseStatus.ASSESSMENT: _("Risk assessment"),
    CaseStatus.PATHWAY_PLANNING: _("Pathway planning"),
    CaseStatus.APPLYING: _("Applying to a programme"),
    CaseStatus.RELOCATION_PREPARATION: _("Preparing the relocation"),
    CaseStatus.IN_RELOCATION: _("In relocation"),
    CaseStatus.RETURN_REVIEW: _("Return review"),
    CaseStatus.RETURNED_FOLLOW_UP: _("Returned: follow-up"),
    CaseStatus.ONWARD_RELOCATION: _("Onward relocation"),
    CaseStatus.ASYLUM_BRIDGE: _("Asylum bridge"),
    CaseStatus.CLOSED: _("Closed"),
    CaseStatus.ERASED: _("Erased"),
}
CASE_STATUS_CHOICES: list[tuple[str, str | Promise]] = [
    (status.value, CASE_STATUS_LABELS[status]) for status in CaseStatus
]


class Urgency(models.TextChoices):
    """How fast staff must act; plain so lists can sort and filter on it without decrypting."""

    ROUTINE = "routine", _("Routine")
    PRIORITY = "priority", _("Priority")
    EMERGENCY = "emergency", _("Emergency")


URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.PRIORITY: 1, Urgency.ROUTINE: 2}


def case_key_ref(record: Any) -> KeyRef:
    """Return the key reference of a record encrypted under its case's data key."""
    return KeyRef(
        record.organisation_id,
        CASE_KEY,
        record.case_id,
        preloaded_relation(record, "case", "data_key"),
    )


class CaseKeyedModel(OrganisationRecord):
    """An organisation's row about one case, whose vault fields use the case's data key."""

    class Meta:
        abstract = True

    def vault_key_ref(self) -> KeyRef:
        return case_key_ref(self)


def _name_prefix_index(name: str, field: str) -> BlindIndex:
    """
    Partial names: the first three letters of each word, 8-bit tokens. About 4,000 word
    beginnings occur in names (~12 bits), so each token stands for ~16 of them (coarse);
    C = 10000 / 2**8 ~ 39 rows per token. Padded to six tokens per row so that their number
    does not tell how many words a name has. docs/vault.md, "Partial search".
    """
    return BlindIndex(
        name,
        field,
        normalise_name,
        bits=8,
        input_entropy_bits=12,
        expand=name_prefixes,
        coarse=True,
        pad_to=6,
    )


class Defender(NamedByKind, OwnKeyRecord):
    """A human rights defender: identity and contact details, under the defender's own data key."""

    key_owner_type = DEFENDER_KEY

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="defenders"
    )
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
    # Names compare accent- and case-blind (normalise_name); changing a normaliser changes every
    # token, so it needs a re-index (``haven vault reindex``, run by cases migration 0008).
    vault_blind_indexes = (
        BlindIndex("legal_name", "legal_name", normalise_name, bits=12, input_entropy_bits=24),
        BlindIndex("other_names", "other_names", normalise_name, bits=12, input_entropy_bits=24),
        # Partial names (see _name_prefix_index).
        _name_prefix_index("name_prefixes", "legal_name"),
        _name_prefix_index("other_name_prefixes", "other_names"),
        BlindIndex("phone", "phone", normalise_phone, bits=12, input_entropy_bits=30),
        # Local formats: the last seven digits (~23 bits), shared by +44 7700 900123 and
        # 07700 900123; search decrypts the candidates and compares the significant digits.
        BlindIndex(
            "phone_tail",
            "phone",
            normalise_phone,
            bits=12,
            input_entropy_bits=23,
            expand=phone_tail,
        ),
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


class ImportRun(models.Model):
    """
    One ``haven cases import`` of one file into one organisation, committed batch by batch.

    ``next_index`` is the first item of the file not yet imported; it advances in the same
    transaction as the batch it closes, so a run killed at any point resumes exactly there when
    the same file is imported again (matched by ``digest``). Cases it creates stay *staged*,
    invisible to every member, until ``finished_at`` is set in the closing transaction: to the
    people using Haven the import appears all at once or not at all.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_runs"
    )
    digest = models.CharField(max_length=64)
    total = models.PositiveIntegerField()
    next_index = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "digest"])]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.next_index}/{self.total})"


class Case(OwnKeyRecord):
    """One defender's protection case; ``code`` is the only identifier shown in lists and URLs."""

    key_owner_type = CASE_KEY

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    code = models.CharField(max_length=20)
    status = models.CharField(
        max_length=32, choices=CASE_STATUS_CHOICES, default=CaseStatus.INTAKE.value
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    # Sorting key for urgency (0 = emergency), so the database orders without a CASE expression.
    urgency_rank = models.PositiveSmallIntegerField(default=2)
    next_due_on = models.DateField(null=True, blank=True)
    # The due date as lists sort it: no date sorts after every date. Computed by the database, so
    # the lists' indexes hold plain columns and no NULL ordering, which SQLite and PostgreSQL place
    # differently in an index.
    due_sort = models.GeneratedField(
        expression=Coalesce("next_due_on", Value(NO_DUE_DATE), output_field=models.DateField()),
        output_field=models.DateField(),
        db_persist=True,
    )
    # Whether the latest assessment's risk views disagree: a yes/no the dashboard sorts on, so the
    # levels themselves stay encrypted in the assessment.
    risk_views_diverge = models.BooleanField(default=False)
    # Profile, context, claim, relocation, vulnerabilities and capacities (case-facts format).
    # Threats, prosecutions and dependants live in their own rows; facts_mapping joins them.
    facts = EncryptedJSONField()
    external_reference = EncryptedTextField(max_length=200)
    defenders: "models.ManyToManyField[Defender, CaseDefender]" = models.ManyToManyField(
        Defender, through="CaseDefender", related_name="cases"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)
    # Opened by an import that has not finished: hidden from everyone until it does.
    staged = models.BooleanField(default=False)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [one_row_per("organisation", "code", name="case_code_unique_per_org")]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            # One index per list sort order (selectors.CASE_LIST_ORDER, MY_CASES_ORDER), so a
            # page reads its 50 rows in order instead of sorting every visible case.
            models.Index(
                fields=["organisation", "urgency_rank", "due_sort", "-created_at", "-id"],
                name="case_list_order",
            ),
            models.Index(
                fields=[
                    "organisation",
                    "-risk_views_diverge",
                    "urgency_rank",
                    "due_sort",
                    "-created_at",
                    "-id",
                ],
                name="case_my_cases_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CaseDefenderRole(models.TextChoices):
    PRINCIPAL = "principal", _("The defender at risk")
    FAMILY = "family", _("A family member in the case")


class CaseDefender(NamedByKind):
    """The link between a case and a defender it concerns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="defender_links")
    defender = models.ForeignKey(Defender, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(
        max_length=16, choices=CaseDefenderRole.choices, default=CaseDefenderRole.PRINCIPAL
    )

    class Meta:
        ordering = ["case", "role"]
        constraints = [one_row_per("case", "defender", name="one_link_per_case_defender")]


class Note(CaseKeyedModel):
    """A caseworker's note; the body is encrypted under the case's data key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = user_reference()
    body = EncryptedTextField(max_length=20_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class ErasureState(models.TextChoices):
    PENDING = "pending", _("Waiting for a second coordinator")
    APPROVED = "approved", _("Approved: the case is erased")
    DECLINED = "declined", _("Declined: the case was kept")


class ErasureReason(models.TextChoices):
    """Why erasure is asked for: a choice, never free text, so it can outlive the case's keys."""

    RETENTION_ENDED = "retention_ended", _("The retention period has ended")
    DEFENDER_ASKED = "defender_asked", _("The defender asked for their data to be erased")
    OPENED_IN_ERROR = "opened_in_error", _("The case was opened by mistake or twice")
    DANGER_OF_SEIZURE = "danger_of_seizure", _("Keeping the data puts the defender in danger")


class CaseErasure(OrganisationRecord):
    """
    A request to erase a case, its second-coordinator approval, and afterwards its tombstone.

    Holds no personal data, so it survives the erasure and says who asked, who approved and when.
    """

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
    reason = models.CharField(
        max_length=24, choices=ErasureReason.choices, default=ErasureReason.RETENTION_ENDED
    )
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"erasure of {self.case_id} ({self.state})"


class CaseKeyedRecord(CaseKeyedModel):
    """
    A record of a case, encrypted under the case's data key.

    Subclasses are rows on the case timeline: plain columns hold ids and times only; what the
    record says lives in encrypted fields.
    """

    recorded_by = user_reference()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["recorded_at"]


class UnlistedCaseRecord(CaseKeyedRecord):
    """
    A record another app keeps about a case (a stay's, the asylum bridge's). The case does not
    list it (``related_name="+"``): that app's selectors read it, under that app's permissions.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(CaseKeyedRecord.Meta):
        abstract = True


class Assignment(NamedByKind):
    """A member on a case's access list (AZ-03): they see it and work on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    membership = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="case_assignments"
    )
    assigned_by = user_reference()
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [one_row_per("case", "membership", name="one_assignment_per_member")]


class BreakGlassGrant(CaseKeyedRecord):
    """Emergency access to a case the member is not assigned to: a reason, an expiry, an audit trail."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass_grants")
    membership = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    reason = EncryptedTextField(max_length=1000)
    expires_at = models.DateTimeField()

    class Meta(CaseKeyedRecord.Meta):
        indexes = [models.Index(fields=["membership", "expires_at"])]


class NotificationKind(models.TextChoices):
    BREAK_GLASS = "break_glass", _("Emergency access to a case")
    DEFENDER_CHECK_IN = "defender_check_in", _("A check-in from the defender")
    DEFENDER_INCIDENT = "defender_incident", _("An incident reported by the defender")


class InAppNotice(NamedByKind):
    """
    A message Haven leaves one member in the app, newest first; ``read_at`` once they have seen it.

    Never sent by e-mail, which the people Haven protects against may read. It names what it is
    about by id only: the page it links to shows the rest to whoever may see it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class Notification(InAppNotice):
    """A notice about one case; it names the case by id only (the page shows the code)."""

    recipient = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        "organisations.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )


class IdentityReveal(CaseKeyedRecord):
    """One time a member opened a defender's identity, and why (AZ-04, AUD-01)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identity_reveals")
    reason = EncryptedTextField(max_length=1000)


class StatusChange(CaseKeyedRecord):
    """A lifecycle move, with the requirements staff confirmed and an optional encrypted reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=CASE_STATUS_CHOICES)
    to_status = models.CharField(max_length=32, choices=CASE_STATUS_CHOICES)
    confirmed = EncryptedJSONField()
    reason = EncryptedTextField(max_length=2000)

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Threat(CaseKeyedRecord):
    """A threat or incident: the case-facts threat fields (encrypted) and a narrative."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="threats")
    details = EncryptedJSONField()
    narrative = EncryptedTextField(max_length=2000)


class Prosecution(CaseKeyedRecord):
    """A prosecution of the defender, in the case-facts prosecution fields (encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="prosecutions")
    details = EncryptedJSONField()


class Dependant(CaseKeyedRecord):
    """A person who depends on the defender, in the case-facts dependant fields (encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dependants")
    details = EncryptedJSONField()


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing of their data by this organisation")
    SHARE_WITH_PROGRAMME = "share_with_programme", _("Sharing their data with a programme")
    ASYLUM_REFERRAL = "asylum_referral", _("Referral to legal counsel for asylum")
    OTHER = "other", _("Another purpose (described)")


class ConsentMethod(models.TextChoices):
    """How the defender said it: the channel of a consent's withdrawal."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO_CALL = "video_call", _("In a video call")
    SECURE_MESSAGE = "secure_message", _("In a secure message")
    WRITING = "writing", _("In writing (letter or signed form)")
    REPRESENTATIVE = "representative", _("Through their representative")


class Consent(CaseKeyedRecord):
    """What the defender agreed to, when and for what purpose; withdrawable, never deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    # {"purpose": ConsentPurpose, "given_on": date, "scope": text}: encrypted, since the purpose
    # alone (an asylum referral) says something about the defender.
    details = EncryptedJSONField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = user_reference()
    # {"reason": text, "method": ConsentMethod, "language": language code}: encrypted, since the
    # reason is the defender's own words and the language says where they may be from.
    withdrawal = EncryptedJSONField()


class Assessment(CaseKeyedRecord):
    """
    One run of the engines on a case, kept with the staff decision and the defender's own view.

    ``facts_input`` and ``output`` are exactly what ``haven.domain.assessment.assess`` read and
    returned, so a past assessment can be explained with the rules of its ``engine_version``.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    engine_version = models.CharField(max_length=80)
    facts_input = EncryptedJSONField()
    output = EncryptedJSONField()
    # The message keys and parameters of the output's reasons (haven.cases.engine_messages.encode),
    # so the page can show them in the reader's language; empty for assessments stored before.
    output_messages = EncryptedJSONField(null=True, blank=True)
    staff_risk_level = EncryptedTextField(max_length=16)
    defender_risk_level = EncryptedTextField(max_length=16)
    staff_decision = EncryptedTextField(max_length=5000)
    views_diverge = models.BooleanField(default=False)


class AssessmentDecision(CaseKeyedRecord):
    """
    The staff decision on an assessment, made after the engines' result was seen.

    Kept beside the engines' advice it answers: ``engine_version`` and ``engine_risk_level`` are
    copied from the assessment, so the decision reads on its own. A later decision on the same
    assessment supersedes this one; every decision stays on record (who, when, why).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessment_decisions")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="decisions")
    engine_version = models.CharField(max_length=80)
    engine_risk_level = EncryptedTextField(max_length=16)
    staff_risk_level = EncryptedTextField(max_length=16)
    reasons = EncryptedTextField(max_length=5000)

    @property
    def follows_engine(self) -> bool:
        return bool(self.staff_risk_level == self.engine_risk_level)


class CorrectedRecord(models.TextChoices):
    """The kinds of case record that can be corrected."""

    THREAT = "threat", _("Threat or incident")
    PROSECUTION = "prosecution", _("Prosecution")
    DEPENDANT = "dependant", _("Dependant")
    CONSENT = "consent", _("Consent")


class RecordCorrection(CaseKeyedRecord):
    """
    One correction of a threat, prosecution, dependant or consent: what it said before, and why
    it was changed, by whom and when. Records are corrected, never silently overwritten.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    record_kind = models.CharField(max_length=16, choices=CorrectedRecord.choices)
    record_id = models.UUIDField()
    # The record's encrypted content before the correction ({"details": ..., "narrative": ...}).
    previous = EncryptedJSONField()
    reason = EncryptedTextField(max_length=2000)

    class Meta(CaseKeyedRecord.Meta):
        indexes = [models.Index(fields=["record_kind", "record_id"])]

    def __str__(self) -> str:
        return f"correction of {self.record_kind} {self.record_id}"


class Attachment(CaseKeyedRecord, EncryptedFileRecord):
    """
    A cleaned, encrypted evidence file (UPL-04, UPL-05), its key wrapped by the case's key.

    ``received_fingerprint`` is the keyed hash of the file as received (never its bare SHA-256,
    which would outlive the case's erasure as a fingerprint).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    received_fingerprint = models.CharField(max_length=64)


class FormReceipt(NamedByKind):
    """
    The one-time token of a submitted form: its primary key makes a second submission of the same
    form fail inside the transaction, so a double click never saves twice.
    """

    token = models.UUIDField(primary_key=True)
    case = models.ForeignKey(Case, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
