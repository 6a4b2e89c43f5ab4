"""
The asylum bridge's records of a case: the informed-consent conversation (each item explained a
fact of its own, with who explained it and when), the legal adviser's opinion beside the engine's
output, the procedure after a claim, its effects on the stay, and both regimes' outcome.

Everything a record says lives in vault fields under the case's data key (that a defender
considers asylum, a claim and its status, legal advice, are never shared without consent). Plain
columns hold ids, dates and the few flags lists need: a step's kind and date (to refuse a step
dated before the claim without decrypting), whether an opinion diverges from the engine (the case
page's warning, like ``Assessment.views_diverge``).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Assessment, Case, CaseKeyedModel, UnlistedCaseRecord
from haven.domain.asylum_procedure import AsylumSide, DecisionOutcome, StaySide, StepKind
from haven.domain.vocabulary import Finding, ProtectionOutcome
from haven.organisations.choices import LabelledVocabulary, choice_label
from haven.organisations.constraints import one_row_per
from haven.organisations.models import Organisation
from haven.organisations.records import user_reference
from haven.relocations.models import Stay
from haven.vault.fields import EncryptedJSONField, EncryptedTextField


class StayBridgeRecord(UnlistedCaseRecord):
    """A bridge record that may concern a stay; the record outlives the stay's deletion."""

    stay = models.ForeignKey(
        Stay, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(UnlistedCaseRecord.Meta):
        abstract = True


class ExplainedTopic(models.TextChoices):
    """What staff owe the defender before a decision: the facts an informed choice rests on."""

    PROGRAMME_POLICY = "programme_policy", _("What the programme does if a claim is made")
    STIPEND = "stipend", _("The effect of a claim on the stipend")
    HOUSING = "housing", _("The effect of a claim on housing")
    VISA = "visa", _("The effect of a claim on the visa and the stay")
    RIGHT_NOT_WAIVABLE = (
        "right_not_waivable",
        _("The right to seek asylum cannot be waived or signed away"),
    )
    INDEPENDENT_ADVICE = "independent_advice", _("Independent legal advice, and how to reach it")


#: Topics no conversation may leave out: without them no decision is informed.
REQUIRED_TOPICS = frozenset({ExplainedTopic.RIGHT_NOT_WAIVABLE, ExplainedTopic.INDEPENDENT_ADVICE})


class ConsentDecision(models.TextChoices):
    SEEK_ASYLUM = "seek_asylum", _("Wants to seek asylum")
    ADVICE_FIRST = "advice_first", _("Wants independent legal advice before deciding")
    CONSIDERING = "considering", _("Is still considering")
    NOT_SEEKING = "not_seeking", _("Does not want to seek asylum")


class ConsentConversation(StayBridgeRecord):
    """
    One informed-consent conversation with the defender. ``held_on`` is plain (a date tells
    nothing without the record's content); the language, interpreter, the programme's policy as
    shown, the decision and the wishes are encrypted. Withdrawn, it stays as history and no
    longer counts.
    """

    held_on = models.DateField()
    language = EncryptedTextField(max_length=100)
    interpreter = EncryptedTextField(max_length=200)
    policy_shown = EncryptedTextField(max_length=5000)
    decision = EncryptedTextField(max_length=32)
    wishes = EncryptedTextField(max_length=3000)
    no_pressure_attested = models.BooleanField(default=False)
    # Plain, for the lifecycle (like ``ReturnReview.defender_chooses_return``): declining to seek
    # asylum endangers no one; every other decision stays in the encrypted column only.
    defender_declines = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = user_reference()

    class Meta(StayBridgeRecord.Meta):
        ordering = ["held_on", "recorded_at"]

    def decision_label(self) -> str:
        return choice_label(ConsentDecision, self.decision)


class ExplainedItem(UnlistedCaseRecord):
    """One thing explained in a conversation: what, by whom and when, with how it was put."""

    conversation = models.ForeignKey(
        ConsentConversation, on_delete=models.CASCADE, related_name="items"
    )
    topic = EncryptedTextField(max_length=32)
    explained_by = user_reference(blank=False)
    explained_on = models.DateField()
    note = EncryptedTextField(max_length=2000)

    def topic_label(self) -> str:
        return choice_label(ExplainedTopic, self.topic)


class ElementView(models.TextChoices):
    AGREE = "agree", _("Agrees with the engine")
    DISAGREE = "disagree", _("Disagrees with the engine")


#: The engine's findings, in the engine's meaning: ``met`` always favours protection.
OPINION_FINDINGS = LabelledVocabulary(
    Finding,
    {
        Finding.MET: _("Met (favours protection)"),
        Finding.NOT_MET: _("Not met"),
        Finding.UNCLEAR: _("Unclear"),
        Finding.NOT_APPLICABLE: _("Not applicable"),
    },
)

#: The protection engine's outcomes, for the adviser's overall opinion.
OPINION_OUTCOMES = LabelledVocabulary(
    ProtectionOutcome,
    {
        ProtectionOutcome.REFUGEE: _("Refugee status"),
        ProtectionOutcome.COMPLEMENTARY_PROTECTION: _("Complementary protection"),
        ProtectionOutcome.NON_REFOULEMENT_ONLY: _("Protection from removal only"),
        ProtectionOutcome.FURTHER_EVIDENCE_NEEDED: _("Further evidence needed"),
        ProtectionOutcome.NO_PROTECTION_NEED_SHOWN: _("No protection need shown"),
        ProtectionOutcome.NOT_APPLICABLE: _("Not applicable"),
    },
)


class LegalOpinion(UnlistedCaseRecord):
    """
    A legal adviser's opinion on one assessment, element by element, stored beside what the
    engine said then (its outcome, findings and version), so a later engine cannot rewrite what
    was agreed with. ``elements`` maps each element to ``{"engine", "view", "finding",
    "reasons", "sources"}``.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    engine_version = models.CharField(max_length=80)
    engine_outcome = EncryptedTextField(max_length=32)
    elements = EncryptedJSONField()
    overall = EncryptedTextField(max_length=32)
    overall_reasons = EncryptedTextField(max_length=5000)
    diverges = models.BooleanField(default=False)

    def overall_label(self) -> str:
        return OPINION_OUTCOMES.label(self.overall)

    def engine_outcome_label(self) -> str:
        return OPINION_OUTCOMES.label(self.engine_outcome)

    def disagreements(self) -> list[str]:
        """The elements the adviser disagrees on (needs an open key ring)."""
        return [
            name
            for name, view in (self.elements or {}).items()
            if view.get("view") == ElementView.DISAGREE
        ]


PROCEDURE_STEP_KINDS = LabelledVocabulary(
    StepKind,
    {
        StepKind.LODGED: _("Claim lodged"),
        StepKind.DUBLIN: _("Dublin determination"),
        StepKind.INTERVIEW: _("Interview"),
        StepKind.DECISION: _("Decision"),
        StepKind.APPEAL: _("Appeal lodged"),
        StepKind.FINAL_OUTCOME: _("Final outcome"),
        StepKind.FAMILY_REUNIFICATION: _("Family reunification"),
    },
)

PROCEDURE_OUTCOMES = LabelledVocabulary(
    DecisionOutcome,
    {
        DecisionOutcome.REFUGEE: _("Refugee status"),
        DecisionOutcome.SUBSIDIARY: _("Subsidiary protection"),
        DecisionOutcome.HUMANITARIAN: _("Humanitarian status"),
        DecisionOutcome.REFUSED: _("Refused"),
        DecisionOutcome.INADMISSIBLE: _("Inadmissible"),
        DecisionOutcome.DUBLIN_TRANSFER: _("Transfer to another Dublin state"),
        DecisionOutcome.WITHDRAWN: _("Claim withdrawn"),
    },
)


class ProcedureStep(UnlistedCaseRecord):
    """
    One step of the asylum procedure. ``kind`` and ``happened_on`` are plain, so the order of
    steps is checked without decrypting; where (state, authority), the reference, the outcome,
    the dependants, a coming date and a note are encrypted in ``details`` and ``note``.
    ``due_on`` (an interview to come, an appeal or reunification deadline) is plain, like the
    stay's due dates, so My cases shows the nearest one.
    """

    kind = models.CharField(max_length=24, choices=PROCEDURE_STEP_KINDS.choices)
    happened_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    details = EncryptedJSONField()
    note = EncryptedTextField(max_length=2000)

    class Meta(UnlistedCaseRecord.Meta):
        ordering = ["happened_on", "recorded_at"]

    def outcome_label(self) -> str:
        return PROCEDURE_OUTCOMES.label((self.details or {}).get("outcome"))


class StayAspect(models.TextChoices):
    STIPEND = "stipend", _("Stipend")
    HOUSING = "housing", _("Housing")
    VISA_STATUS = "visa_status", _("Visa status")


class StayEffectDecision(models.TextChoices):
    """What a claim changed for the stay (the programme decides what it funds, not the right)."""

    STIPEND_CONTINUES = "stipend_continues", _("Stipend continues to the planned end")
    STIPEND_BRIDGE = "stipend_bridge", _("A bridge grant")
    STIPEND_STOPS = "stipend_stops", _("Stipend stops, with notice")
    HOUSING_KEPT = "housing_kept", _("Stays in the programme's housing")
    HOUSING_STATE_RECEPTION = "housing_state_reception", _("Moves to state reception")
    HOUSING_DISPERSED = "housing_dispersed", _("Dispersed to another region")
    VISA_RUNS_ALONGSIDE = "visa_runs_alongside", _("Visa runs alongside the asylum-seeker document")
    VISA_LAPSED = "visa_lapsed", _("Visa lapsed on the claim")
    VISA_ASYLUM_DOCUMENT = "visa_asylum_document", _("Now holds an asylum-seeker document only")


#: Which decisions answer which aspect.
DECISIONS_BY_ASPECT = {
    StayAspect.STIPEND: (
        StayEffectDecision.STIPEND_CONTINUES,
        StayEffectDecision.STIPEND_BRIDGE,
        StayEffectDecision.STIPEND_STOPS,
    ),
    StayAspect.HOUSING: (
        StayEffectDecision.HOUSING_KEPT,
        StayEffectDecision.HOUSING_STATE_RECEPTION,
        StayEffectDecision.HOUSING_DISPERSED,
    ),
    StayAspect.VISA_STATUS: (
        StayEffectDecision.VISA_RUNS_ALONGSIDE,
        StayEffectDecision.VISA_LAPSED,
        StayEffectDecision.VISA_ASYLUM_DOCUMENT,
    ),
}


class StayEffect(StayBridgeRecord):
    """One decision a claim brought about for the stay, dated: the aspect and what was decided."""

    effective_on = models.DateField()
    aspect = EncryptedTextField(max_length=16)
    decision = EncryptedTextField(max_length=32)
    note = EncryptedTextField(max_length=2000)

    class Meta(StayBridgeRecord.Meta):
        ordering = ["effective_on", "recorded_at"]

    def aspect_label(self) -> str:
        return choice_label(StayAspect, self.aspect)

    def decision_label(self) -> str:
        return choice_label(StayEffectDecision, self.decision)


class CaseRegime(CaseKeyedModel):
    """
    Where each regime left one case, encrypted (it says "claimed asylum"): kept so that the
    counts in ``RegimeTally`` can be moved when the case's outcome changes.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="+")
    stay_side = EncryptedTextField(max_length=24)
    asylum_side = EncryptedTextField(max_length=32)
    updated_at = models.DateTimeField(default=timezone.now)


class RegimeTally(models.Model):
    """
    How many of an organisation's cases stand at each pair of regime positions: the report reads
    these counts and never a case. A case keeps counting after it is erased (a count of what
    happened, with nothing left to name it).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    stay_side = models.CharField(max_length=24, choices=[(s.value, s.value) for s in StaySide])
    asylum_side = models.CharField(max_length=32, choices=[(s.value, s.value) for s in AsylumSide])
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            one_row_per("organisation", "stay_side", "asylum_side", name="one_regime_tally_cell")
        ]

    def __str__(self) -> str:
        return f"regime tally {self.organisation_id} {self.stay_side} {self.asylum_side}"
