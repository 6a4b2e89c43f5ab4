from django import forms
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType


class AuditFilterForm(forms.Form):
    """The audit screen's filters. Every field is optional; ids only, never names or free text."""

    event_type = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("Any"))] + [(e.value, e.value) for e in EventType],
    )
    actor = forms.ChoiceField(label=_("Who"), required=False, choices=[("", _("Anyone"))])
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, actors: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        ordered = sorted(actors.items(), key=lambda item: item[1])
        self.fields["actor"].choices = [("", _("Anyone")), *ordered]  # type: ignore[attr-defined]
