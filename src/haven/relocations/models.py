"""
The relocation stay and its records, from the accepted offer to the end of the stay.

One ``Stay`` per accepted application. Its plain columns hold only what lists, reminders and the
host partner need without decrypting (programme, host country, dates, how many people travel,
the stage); everything that says where the defender is, how they travel, what they fear or how
they feel is a vault field under the case's data key.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import (
    Case,
    CaseKeyedModel,
    Dependant,
    InAppNotice,
    UnlistedCaseRecord,
)
from haven.domain.lifecycle import RelocationStatus
from haven.domain.stay import VisaOutcome as VisaOutcome  # re-exported: the one definition
from haven.domain.stay import VisaRoute as VisaRoute  # re-exported: the one definition
from haven.organisations.choices import LabelledVocabulary, choice_label
from haven.organisations.constraints import one_row_per
from haven.organisations.records import OrganisationRecord, user_reference
from haven.programmes.models import Application, Programme
from haven.vault.fields import EncryptedJSONField, EncryptedTextField

#: A stay's stage is ``haven.domain.lifecycle.RelocationStatus``, read from the stay's records; the
#: name is the one the relocation code reads it by.
StayStatus = RelocationStatus

STAY_STATUSES = LabelledVocabulary(
    RelocationStatus,
    {
        RelocationStatus.PLANNED: _("Planned"),
        RelocationStatus.VISA_APPLIED: _("Visa applied for"),
        RelocationStatus.VISA_GRANTED: _("Visa granted"),
        RelocationStatus.VISA_REFUSED: _("Visa refused"),
        RelocationStatus.TRAVELLING: _("Ready to travel"),
        RelocationStatus.IN_STAY: _("In the stay"),
        RelocationStatus.EXTENSION_REQUESTED: _("Extension requested"),
        RelocationStatus.EXTENDED: _("Extended"),
        RelocationStatus.ENDED: _("Ended"),
        RelocationStatus.CANCELLED: _("Cancelled"),
    },
)


class CancelGround(models.TextChoices):
    DEFENDER_WITHDREW = "defender_withdrew", _("The defender withdrew")
    VISA_REFUSED = "visa_refused", _("The visa was refused")
    SECURITY = "security", _("A security reason")
    HEALTH = "health", _("Health")
    PROGRAMME_WITHDREW = "programme_withdrew", _("The programme or host withdrew")
    OTHER = "other", _("Another reason")


class Stay(CaseKeyedModel):
    """A defender's temporary relocation at one programme, opened by accepting its offer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stays")
    # One stay per application: a second submit of the same acceptance finds this taken.
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="stay")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="stays")
    host_country = models.CharField(max_length=2)
    host_city = EncryptedTextField(max_length=200)
    planned_start = models.DateField()
    planned_end = models.DateField()
    people_count = models.PositiveSmallIntegerField(default=1)
    # Which dependants travel (their ids in the case's dependant records) and the needs the host
    # should know of (housing, access, diet): encrypted, shown to the host partner on purpose.
    travelling_dependants = EncryptedJSONField()
    needs = EncryptedTextField(max_length=2000)
    status = models.CharField(
        max_length=24, choices=STAY_STATUSES.choices, default=StayStatus.PLANNED.value
    )
    arrived_on = models.DateField(null=True, blank=True)
    arrival_confirmed_by = user_reference()
    housing_handed_over = models.BooleanField(default=False)
    extensions_used = models.PositiveSmallIntegerField(default=0)
    ended_on = models.DateField(null=True, blank=True)
    # Encrypted: "sought asylum" is among the most dangerous facts Haven holds.
    outcome = EncryptedTextField(max_length=32)
    outcome_on = models.DateField(null=True, blank=True)
    # Due dates kept as plain columns, so My cases and the reminder job find what is owed with
    # one indexed query instead of decrypting every stay.
    next_check_in_due = models.DateField(null=True, blank=True)
    return_review_due = models.DateField(null=True, blank=True)
    # When an unconfirmed arrival becomes an alert: the scheduled landing plus the programme's
    # hours. It says roughly when the defender lands, so it is cleared once the arrival is
    # confirmed, the travel plan shredded or the stay cancelled.
    arrival_alert_at = models.DateTimeField(null=True, blank=True)
    # Travel documents, for the expiry reminders: the passport's end, and the earliest end of
    # the travellers' granted visas (kept from the visa records).
    passport_expires_on = models.DateField(null=True, blank=True)
    # The day a passport too short for the stay was first seen; None while it is long enough.
    passport_alert_on = models.DateField(null=True, blank=True)
    visa_expires_on = models.DateField(null=True, blank=True)
    # The day the reminder job shreds the travel plan (arrival plus the programme's days).
    travel_plan_shred_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_ground = models.CharField(max_length=24, choices=CancelGround.choices, blank=True)
    cancel_note = EncryptedTextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_start", "created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["next_check_in_due"]),
            # The stay list's sort order (selectors.STAY_LIST_ORDER; "due on stays" reads it too),
            # so a page reads its rows in order instead of sorting every reachable stay.
            models.Index(
                fields=["organisation", "planned_start", "created_at", "id"],
                name="stay_list_order",
            ),
        ]

    def outcome_label(self) -> str:
        return choice_label(StayOutcome, self.outcome)

    @property
    def reference(self) -> str:
        """A short reference host partners can quote: it names no case and no person."""
        return str(self.pk)[:8].upper()


class StayRecord(UnlistedCaseRecord):
    """A record of one stay, encrypted under the case's key; ``case`` is kept for the key."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="+")

    class Meta(UnlistedCaseRecord.Meta):
        abstract = True


#: The visa routes and outcomes are ``haven.domain.stay``'s, which reads them for the stay's stage
#: and its relocation facts; here they get the words people read.
VISA_ROUTES = LabelledVocabulary(
    VisaRoute,
    {
        VisaRoute.VISA_FREE: _("No visa needed"),
        VisaRoute.SCHENGEN_SHORT_STAY: _("Schengen short-stay visa (C)"),
        VisaRoute.SCHENGEN_LIMITED: _("Schengen visa valid in one state only"),
        VisaRoute.NATIONAL_LONG_STAY: _("National long-stay visa (D) and permit"),
        VisaRoute.HUMANITARIAN: _("Humanitarian admission"),
        VisaRoute.OTHER_SHORT_STAY: _("Another short-stay visa"),
        VisaRoute.OTHER_LONG_STAY: _("Another long-stay visa"),
    },
)

VISA_OUTCOMES = LabelledVocabulary(
    VisaOutcome,
    {
        VisaOutcome.PENDING: _("Waiting for the decision"),
        VisaOutcome.GRANTED: _("Granted"),
        VisaOutcome.REFUSED: _("Refused"),
        VisaOutcome.NOT_REQUIRED: _("No visa needed"),
    },
)


class VisaApplication(StayRecord):
    """The visa for a stay: route, consulate, the dates it moved on, and its outcome."""

    route = models.CharField(max_length=32, choices=VISA_ROUTES.choices)
    consulate = EncryptedTextField(max_length=200)
    # The state whose consulate issued the visa (ISO code). Under Dublin III art 12 that state is
    # normally responsible for an asylum claim made while, or soon after, the visa is valid; the
    # asylum bridge reads it for its deadline warning. A state's code, like the stay's host
    # country, and never a person's data.
    issuing_state = models.CharField(max_length=2, blank=True, default="")
    lodged_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=VISA_OUTCOMES.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)


class StipendFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Weekly")


class PaymentChannel(models.TextChoices):
    HOST_BANK_ACCOUNT = "host_bank_account", _("A bank account in the host country")
    CASH = "cash", _("Cash handed over by the host")
    HOME_BANK_TRANSFER = "home_bank_transfer", _("A transfer to a bank account at home")
    MONEY_TRANSFER_SERVICE = "money_transfer_service", _("A money transfer service")


#: Channels a home state can trace: the stipend form warns before they are recorded.
TRACEABLE_CHANNELS = frozenset(
    {PaymentChannel.HOME_BANK_TRANSFER, PaymentChannel.MONEY_TRANSFER_SERVICE}
)


class Preparation(StayRecord):
    """
    Everything prepared before departure, one row per stay, updated as it firms up: the travel
    and security plan (the most dangerous data before travel), the digital-security check,
    insurance, stipend, and the informed expectations the defender was shown.
    """

    travel_plan = EncryptedTextField(max_length=5000)
    # That a plan exists is no secret; what it says is. The lifecycle reads this column.
    travel_plan_recorded = models.BooleanField(default=False)
    digital_check_done = models.BooleanField(default=False)
    insurance = EncryptedJSONField()
    stipend = EncryptedJSONField()
    # The programme's return expectation and asylum policy exactly as shown, and when the
    # defender acknowledged them: information given, never a waiver of the right to seek asylum.
    expectations_shown = EncryptedJSONField()
    expectations_acknowledged_on = models.DateField(null=True, blank=True)
    # Flights (numbers, times, seats) and the scheduled landing: shredded with the travel plan.
    flight_details = EncryptedTextField(max_length=2000)
    expected_arrival = EncryptedTextField(max_length=32)
    # When the travel plan, flight details and landing time were destroyed (never restored).
    travel_plan_shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta(StayRecord.Meta):
        constraints = [one_row_per("stay", name="one_preparation_per_stay")]


class TravellingDependant(StayRecord):
    """
    One dependant who travels with the defender: their own visa and arrival. The person is the
    case's dependant record (encrypted there); this row holds only where their journey stands.
    """

    dependant = models.ForeignKey(Dependant, on_delete=models.CASCADE, related_name="+")
    visa_outcome = models.CharField(
        max_length=16, choices=VISA_OUTCOMES.choices, default=VisaOutcome.PENDING.value
    )
    visa_valid_until = models.DateField(null=True, blank=True)
    arrived_on = models.DateField(null=True, blank=True)

    class Meta(StayRecord.Meta):
        constraints = [one_row_per("stay", "dependant", name="one_traveller_per_dependant")]


class CheckInMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    CALL = "call", _("Call")
    MESSAGE = "message", _("Secure message")


class WellbeingFlag(models.TextChoices):
    """Non-clinical answers: flags, never a diagnosis (Barcelona Guidelines)."""

    RESTED = "rested", _("Resting well")
    NOT_RESTED = "not_rested", _("Not resting well")
    FEELS_UNSAFE = "feels_unsafe", _("Does not feel safe")
    WORRIED_ABOUT_FAMILY = "worried_about_family", _("Worried about family at home")
    OVERLOADED = "overloaded", _("Too much work or too many appointments")
    WANTS_PROVIDER = "wants_provider", _("Would like to talk to a wellbeing provider")
    HOST_SHOULD_CHANGE = "host_should_change", _("Something the host should change")


class RecordSource(models.TextChoices):
    """Who wrote a check-in or incident: the team (staff or host) or the defender, on the portal."""

    STAFF = "staff", _("The team")
    DEFENDER = "defender", _("The defender, through the portal")


class DefenderWritableStayRecord(StayRecord):
    """A stay record the defender may also write, on the portal; ``source`` says who wrote it."""

    source = models.CharField(
        max_length=16, choices=RecordSource.choices, default=RecordSource.STAFF
    )

    class Meta(StayRecord.Meta):
        abstract = True


class CheckIn(DefenderWritableStayRecord):
    """A voluntary wellbeing check-in: flags and a confidential note, no clinical detail."""

    done_on = models.DateField()
    mode = models.CharField(max_length=16, choices=CheckInMode.choices)
    flags = EncryptedJSONField()
    note = EncryptedTextField(max_length=2000)
    psychosocial_referral = models.BooleanField(default=False)

    def flag_labels(self) -> list[str]:
        """The shared flags in words, in the reader's language."""
        known = dict(WellbeingFlag.choices)
        return [str(known[flag]) for flag in self.flags or [] if flag in known]


class StayEventKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    INCIDENT = "incident", _("Security incident")


class ActivityType(models.TextChoices):
    MEDIA = "media", _("Media work")
    ADVOCACY = "advocacy", _("Advocacy meeting")
    EVENT = "event", _("Talk or public event")
    PUBLICATION = "publication", _("Publication")
    TRAINING = "training", _("Training")


class IncidentType(models.TextChoices):
    """Incidents abroad, in the case-facts threat vocabulary so the engines read them as threats."""

    SURVEILLANCE = "surveillance", _("Surveillance")
    ONLINE_HARASSMENT = "online_harassment", _("Online threats or hacking")
    INTIMIDATION = "intimidation", _("Approach by embassy staff or informants")
    THREATS_TO_FAMILY = "threats_to_family", _("Pressure on family at home")
    SMEAR_CAMPAIGN = "smear_campaign", _("Smear campaign")
    DEATH_THREAT = "death_threat", _("Death threat")
    PHYSICAL_ATTACK = "physical_attack", _("Physical attack")
    JUDICIAL_HARASSMENT = "judicial_harassment", _("Interpol notice or court case at home")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class StayEvent(DefenderWritableStayRecord):
    """
    Public activity or a security incident during the stay. The type says which; the details
    (type, date, public, home-state link, severity, police report) and the narrative are encrypted,
    since even "an incident happened on this day" tells the persecutor something.
    """

    kind = models.CharField(max_length=16, choices=StayEventKind.choices)
    details = EncryptedJSONField()
    narrative = EncryptedTextField(max_length=2000)

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class ExtensionGround(models.TextChoices):
    RISK_UNCHANGED = "risk_unchanged", _("Risk at home unchanged or worse")
    HEALTH = "health", _("Health")
    TRAVEL_OR_VISA = "travel_or_visa", _("Travel or visa disruption")
    UNFINISHED_WORK = "unfinished_work", _("Unfinished work")


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for the decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Extension(StayRecord):
    """A request to extend the stay and, once taken, the coordinator's decision."""

    ground = models.CharField(max_length=24, choices=ExtensionGround.choices)
    requested_end = models.DateField()
    evidence = EncryptedTextField(max_length=2000)
    decision = models.CharField(
        max_length=16, choices=ExtensionDecision.choices, default=ExtensionDecision.PENDING
    )
    decided_by = user_reference()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(StayRecord.Meta):
        constraints = [
            one_row_per(
                "stay",
                name="one_pending_extension_per_stay",
                condition=models.Q(decision="pending"),
            )
        ]


class LetterLanguage(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Español"
    FR = "fr", "Français"
    AR = "ar", "العربية"


class LetterTemplate(OrganisationRecord):
    """
    A programme's own wording of the consulate letter in one language, replacing Haven's default.
    It holds placeholders only, never a defender's data: the letter is filled in when generated.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="letter_templates"
    )
    language = models.CharField(max_length=2, choices=LetterLanguage.choices)
    body = models.TextField(max_length=5000)
    updated_by = user_reference()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            one_row_per("programme", "language", name="one_letter_template_per_language")
        ]


class ReturnOption(models.TextChoices):
    RETURN = "return", _("Return home")
    EXTENSION = "extension", _("Extend the stay")
    ONWARD = "onward", _("Onward relocation to another programme")
    REGIONAL = "regional", _("Regional relocation")
    IN_COUNTRY = "in_country", _("Relocation inside the home country after return")
    ASYLUM = "asylum", _("Asylum or another residence route (hand over to the asylum bridge)")
    RESETTLEMENT = "resettlement", _("Resettlement referral")


class ReturnReview(StayRecord):
    """
    The return review: a fresh assessment (with risk on return) run for it, the options weighed,
    the defender's own preference beside the staff decision, and whether independent legal advice
    was offered. The options and both choices are encrypted: "asylum" alone says a great deal.
    """

    assessment = models.ForeignKey("cases.Assessment", on_delete=models.PROTECT, related_name="+")
    options = EncryptedJSONField()
    defender_preference = EncryptedTextField(max_length=32)
    staff_decision = EncryptedTextField(max_length=32)
    legal_advice_offered = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Plain, for the lifecycle: whether the defender chose to go home. Choosing it endangers no
    # one; every other preference stays in the encrypted column only.
    defender_chooses_return = models.BooleanField(default=False)

    class Meta(StayRecord.Meta):
        constraints = [one_row_per("stay", name="one_return_review_per_stay")]

    def option_labels(self) -> list[str]:
        return [str(ReturnOption(value).label) for value in self.options or []]

    def preference_label(self) -> str:
        return choice_label(ReturnOption, self.defender_preference)

    def decision_label(self) -> str:
        return choice_label(ReturnOption, self.staff_decision)


class ReturnPlan(StayRecord):
    """How the defender goes home: travel and the first 72 hours, contacts, support."""

    security_plan = EncryptedTextField(max_length=5000)
    contacts = EncryptedTextField(max_length=2000)
    support = EncryptedTextField(max_length=2000)
    returned_on = models.DateField(null=True, blank=True)

    class Meta(StayRecord.Meta):
        constraints = [one_row_per("stay", name="one_return_plan_per_stay")]


class FollowUpStatus(models.TextChoices):
    SAFE = "safe", _("Safe")
    THREATENED = "threatened", _("Threatened")
    INCIDENT = "incident", _("An incident happened")
    DETAINED = "detained", _("Detained")
    UNREACHABLE = "unreachable", _("Could not be reached")


class FollowUp(StayRecord):
    """One follow-up after return, due on a schedule; what was found is encrypted."""

    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    findings = EncryptedJSONField()
    note = EncryptedTextField(max_length=2000)

    class Meta(StayRecord.Meta):
        ordering = ["due_on"]

    def status_label(self) -> str:
        return choice_label(FollowUpStatus, (self.findings or {}).get("status"))


class StayOutcome(models.TextChoices):
    """One primary outcome per stay, dated and updatable (relocation practice, section 3)."""

    RETURNED_SAFE = "returned_safe", _("Returned and safe")
    RETURNED_THREATENED = "returned_threatened", _("Returned and threatened")
    RELOCATED_AGAIN = "relocated_again", _("Relocated again")
    SOUGHT_ASYLUM = "sought_asylum", _("Sought asylum")
    RESETTLED = "resettled", _("Resettled")
    ENDED_EARLY = "ended_early", _("Ended early")


class ReminderKind(models.TextChoices):
    CHECK_IN_OVERDUE = "check_in_overdue", _("Check-in overdue")
    ARRIVAL_UNCONFIRMED = "arrival_unconfirmed", _("Arrival not confirmed")
    RETURN_REVIEW_DUE = "return_review_due", _("Return review due")
    EXTENSION_WAITING = "extension_waiting", _("Extension waiting for a decision")
    VISA_EXPIRING = "visa_expiring", _("Visa expiring")
    PASSPORT_EXPIRING = "passport_expiring", _("Passport expiring")


class StayReminder(InAppNotice):
    """
    A reminder to one member about one stay, made by the reminder job. It names the stay by id
    and the kind of thing due, nothing else.
    """

    recipient = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="stay_reminders"
    )
    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    due_on = models.DateField()

    class Meta(InAppNotice.Meta):
        constraints = [
            # The job runs again and again: the same reminder is made once.
            one_row_per("recipient", "stay", "kind", "due_on", name="one_reminder_per_due_item")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]
