"""
Programmes, their intake windows, applications and matching runs, per organisation.

Programme facts are public (they come from each programme's own pages), so they stay in plain
columns. What comes from a case does not: an application's eligibility snapshot quotes the case's
facts, and the host countries a persecutor reaches say who persecutes the defender, so both are
vault fields under the case's data key.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case, CaseKeyedModel
from haven.organisations.constraints import one_row_per
from haven.organisations.models import Membership, Organisation
from haven.organisations.records import OrganisationRecord, user_reference
from haven.vault.fields import EncryptedDateField, EncryptedJSONField
from haven.vault.records import OwnKeyRecord

#: Owner type of a matching run's own data key in the vault.
MATCHING_RUN_KEY = "matching_run"


class ProgrammeKind(models.TextChoices):
    TEMPORARY_RELOCATION = "temporary_relocation", _("Temporary relocation")
    RESPITE = "respite", _("Rest and respite")
    EMERGENCY_GRANT = "emergency_grant", _("Emergency grant")
    PROTECTION_SUPPORT = "protection_support", _("Protection support")
    RESETTLEMENT = "resettlement", _("Resettlement")


class ProgrammeScope(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    REGIONAL = "regional", _("Regional")
    IN_COUNTRY_OR_REGIONAL = "in_country_or_regional", _("In country or regional")


class Programme(models.Model):
    """One protection programme in an organisation's catalogue; fields mirror programmes.json."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    catalogue_id = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    operator = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=ProgrammeKind.choices)
    scope = models.CharField(max_length=32, choices=ProgrammeScope.choices)
    host_countries = models.JSONField(default=list)
    host_cities = models.JSONField(default=list)
    duration_months_min = models.FloatField(null=True, blank=True)
    duration_months_max = models.FloatField(null=True, blank=True)
    eligible_profiles = models.JSONField(null=True, blank=True)
    eligible_nationalities = models.JSONField(null=True, blank=True)
    languages_required = models.JSONField(null=True, blank=True)
    requires_return_intent = models.BooleanField(null=True, blank=True)
    family_allowed = models.BooleanField(null=True, blank=True)
    requires_refugee_status = models.BooleanField(null=True, blank=True)
    must_be_outside_home_country = models.BooleanField(null=True, blank=True)
    provides = models.JSONField(default=list)
    intake = models.TextField(blank=True)
    # null: the catalogue does not record a policy, which the consent screen says in words.
    asylum_policy = models.TextField(null=True, blank=True)  # noqa: DJ001
    places_per_year = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    # The programme's own stay schedule; empty means the design defaults of the relocation
    # practice reference (haven.domain.stay.StayRules).
    return_review_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    arrival_alert_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    travel_plan_shred_days = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            one_row_per("organisation", "catalogue_id", name="programme_catalogue_id_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class HostPartnerAssignment(OrganisationRecord):
    """A host partner's membership linked to a programme it hosts: what it may see, nothing more."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="host_partners")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="hosted_programmes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            one_row_per("programme", "membership", name="one_assignment_per_host_partner")
        ]


class IntakeWindowStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed")


class IntakeWindow(OrganisationRecord):
    """One cohort of a programme: when it takes applications, when the stay runs, its capacity."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="windows")
    name = models.CharField(max_length=120)
    opens_on = models.DateField()
    closes_on = models.DateField()
    stay_starts_on = models.DateField(null=True, blank=True)
    stay_ends_on = models.DateField(null=True, blank=True)
    host_country = models.CharField(max_length=2, blank=True)
    capacities = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=IntakeWindowStatus.choices, default=IntakeWindowStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opens_on", "name"]

    def __str__(self) -> str:
        return self.name


class PersecutorReach(CaseKeyedModel):
    """
    The limits staff set on where and when one case may be placed: the host countries they judge
    the persecutor able to reach, and the date the defender must leave by.

    A placement in a reached country, or one whose stay starts after the must-leave-by date, is
    never proposed (matching exclusions, not scores). Encrypted under the case's key: the list
    hints at who the persecutor is, and the date at how close the danger is.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="persecutor_reach")
    host_countries = EncryptedJSONField()
    must_leave_by = EncryptedDateField()
    updated_by = user_reference(blank=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"persecutor reach for {self.case_id}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationRoute(models.TextChoices):
    APPLIED = "applied", _("The defender applies")
    NOMINATED = "nominated", _("Nominated by the organisation")


class Application(CaseKeyedModel):
    """
    A case's application to (or nomination for) one programme, optionally one intake window.

    ``eligibility`` is the engine's verdict at the time, with its reasons and engine version,
    kept beside the human decision (the status). The consent columns record what the defender
    was shown (the programme's asylum policy and return expectation, as worded then) and who
    recorded their informed consent; an application cannot be submitted without them.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="applications")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    intake_window = models.ForeignKey(
        IntakeWindow,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    route = models.CharField(max_length=16, choices=ApplicationRoute.choices)
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    preference_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    nominated_by = user_reference(blank=False)
    eligibility = EncryptedJSONField()
    consent_recorded_by = user_reference()
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_asylum_policy_shown = models.TextField(blank=True)
    consent_return_expectation_shown = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # The application list's order (selectors.APPLICATION_LIST_ORDER).
            models.Index(
                fields=["organisation", "-updated_at", "-id"], name="application_list_order"
            ),
        ]

    @property
    def has_consent(self) -> bool:
        return self.consent_recorded_at is not None


class MatchingRunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed: waiting for review")
    APPROVED = "approved", _("Approved: offers made")


class MatchingRun(OrganisationRecord, OwnKeyRecord):
    """
    One run of the matcher over chosen intake windows, kept so the proposal can be reproduced.

    ``problem`` and ``result`` are the ``haven.matching-problem/1`` and ``-result/1`` documents;
    applicants are named by case id and placements by intake-window id, so they carry no names.
    ``detail`` holds, per case, the code of every exclusion and, for the placement proposed to it,
    the application behind it and its score components with their reasons, for the review
    screen. All three are sealed under the run's own data key: a tier beside a case id tells a
    reader of the database how much danger that defender is in, and the exclusions say where
    their persecutor reaches.
    """

    key_owner_type = MATCHING_RUN_KEY

    windows = models.ManyToManyField(IntakeWindow, related_name="matching_runs")
    status = models.CharField(
        max_length=16, choices=MatchingRunStatus.choices, default=MatchingRunStatus.PROPOSED
    )
    problem = EncryptedJSONField()
    result = EncryptedJSONField()
    detail = EncryptedJSONField()
    engine_version = models.CharField(max_length=50)
    input_sha256 = models.CharField(max_length=64)
    seed = models.PositiveIntegerField(default=0)
    created_by = user_reference(blank=False)
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = user_reference()
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
