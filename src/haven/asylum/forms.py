"""
Forms of the asylum bridge. Each lists its fields (AZ-08); none takes an organisation, a case or
a recorder from the request body: those come from the URL and the signed-in member. The services
repeat every rule that matters, so a form is a convenience, never the only check.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haven.asylum.models import (
    DECISIONS_BY_ASPECT,
    OPINION_FINDINGS,
    OPINION_OUTCOMES,
    PROCEDURE_OUTCOMES,
    PROCEDURE_STEP_KINDS,
    ConsentDecision,
    ElementView,
    ExplainedTopic,
    StayAspect,
    StayEffectDecision,
)
from haven.cases.countries import CountryField
from haven.cases.form_fields import date_field, text_area


class ConsentConversationForm(forms.Form):
    """The conversation: what was explained and how, by whom, in which language; the decision."""

    held_on = date_field(_("Held on"))
    explained_by = forms.ChoiceField(label=_("Explained by"))
    explained = forms.MultipleChoiceField(
        label=_("What was explained"),
        choices=ExplainedTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick only what was actually explained. That the right cannot be waived and how to "
            "reach independent advice are always needed."
        ),
    )
    how_policy = text_area(
        _("How the programme's policy was put, and the defender's questions"), rows=2
    )
    how_effects = text_area(_("How the effects on stipend, housing and visa were put"), rows=2)
    how_rights = text_area(_("How the right and independent advice were put"), rows=2)
    language = forms.CharField(label=_("Language of the conversation"), max_length=100)
    interpreter = forms.CharField(
        label=_("Interpreter (name or service), if any"), max_length=200, required=False
    )
    decision = forms.ChoiceField(
        label=_("The defender's decision"), choices=ConsentDecision.choices
    )
    wishes = text_area(
        _("The defender's wishes, in their own words"), max_length=3000, rows=4, required=True
    )
    no_pressure = forms.BooleanField(
        label=_(
            "I attest that no pressure was applied either way: the defender was neither "
            "discouraged from claiming asylum nor steered towards it."
        ),
        required=True,
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, team: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["explained_by"].choices = team  # type: ignore[attr-defined]

    def explained_notes(self) -> dict[str, str]:
        """Each ticked topic with how it was put (the note of its group)."""
        data = self.cleaned_data
        groups = {
            ExplainedTopic.PROGRAMME_POLICY: data.get("how_policy", ""),
            ExplainedTopic.STIPEND: data.get("how_effects", ""),
            ExplainedTopic.HOUSING: data.get("how_effects", ""),
            ExplainedTopic.VISA: data.get("how_effects", ""),
            ExplainedTopic.RIGHT_NOT_WAIVABLE: data.get("how_rights", ""),
            ExplainedTopic.INDEPENDENT_ADVICE: data.get("how_rights", ""),
        }
        return {topic: groups[ExplainedTopic(topic)] for topic in data.get("explained", [])}


DISAGREE_NEEDS_REASONS = _("A disagreement needs reasons.")
DISAGREE_NEEDS_FINDING = _("Choose your own finding, different from the engine's.")


class LegalOpinionForm(forms.Form):
    """One group of fields per element of the engine's output, then the overall opinion."""

    overall = forms.ChoiceField(label=_("Your overall opinion"), choices=OPINION_OUTCOMES.choices)
    overall_reasons = text_area(
        _("Reasons for your overall opinion"), max_length=5000, rows=4, required=True
    )

    def __init__(self, *args: Any, elements: list[tuple[str, str, str]], **kwargs: Any) -> None:
        """``elements``: (name, label, the engine's finding label) per element."""
        super().__init__(*args, **kwargs)
        self.element_names = [name for name, _label, _finding in elements]
        for name, label, finding in elements:
            self.fields[f"{name}__view"] = forms.ChoiceField(
                label=_("%(element)s: the engine found “%(finding)s”")
                % {"element": label, "finding": finding},
                choices=ElementView.choices,
                initial=ElementView.AGREE,
                widget=forms.RadioSelect,
            )
            self.fields[f"{name}__finding"] = forms.ChoiceField(
                label=_("Your finding on %(element)s, if you disagree") % {"element": label},
                choices=[("", "—"), *OPINION_FINDINGS.choices],
                required=False,
            )
            self.fields[f"{name}__reasons"] = text_area(
                _("Reasons on %(element)s (needed to disagree)") % {"element": label}, rows=2
            )
            self.fields[f"{name}__sources"] = forms.CharField(
                label=_("Sources on %(element)s") % {"element": label},
                max_length=1000,
                required=False,
            )
        # The overall opinion after the elements.
        self.order_fields([*(k for k in self.fields if "__" in k), "overall", "overall_reasons"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.element_names:
            if data.get(f"{name}__view") != ElementView.DISAGREE:
                continue
            if not (data.get(f"{name}__reasons") or "").strip():
                self.add_error(f"{name}__reasons", DISAGREE_NEEDS_REASONS)
            if not data.get(f"{name}__finding"):
                self.add_error(f"{name}__finding", DISAGREE_NEEDS_FINDING)
        return data


class ProcedureStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=PROCEDURE_STEP_KINDS.choices)
    happened_on = date_field(_("Date of the step"))
    due_on = date_field(
        _("Next date"),
        required=False,
        help_text=_(
            "An interview to come, an appeal deadline, a hearing or a reunification deadline."
        ),
    )
    state = CountryField(label=_("State where the claim was lodged"), required=False)
    authority = forms.CharField(label=_("Authority"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome (decision or final outcome)"),
        choices=[("", "—"), *PROCEDURE_OUTCOMES.choices],
        required=False,
    )
    dependants = forms.IntegerField(
        label=_("Dependants included in the claim"), min_value=0, max_value=30, required=False
    )
    note = text_area(_("Note"), rows=2)
    submission_token = forms.UUIDField(widget=forms.HiddenInput)


EFFECT_NOT_FOR_ASPECT = _("This decision does not belong to that aspect of the stay.")


class StayEffectForm(forms.Form):
    aspect = forms.ChoiceField(label=_("Aspect of the stay"), choices=StayAspect.choices)
    decision = forms.ChoiceField(label=_("What was decided"), choices=StayEffectDecision.choices)
    effective_on = date_field(_("From"))
    note = text_area(_("Note"), rows=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        aspect, decision = data.get("aspect"), data.get("decision")
        if aspect and decision and decision not in DECISIONS_BY_ASPECT[StayAspect(aspect)]:
            raise ValidationError(EFFECT_NOT_FOR_ASPECT)
        return data
