from django import forms
from django.utils.translation import gettext_lazy as _

from haven.api.models import Scope
from haven.api.tokens import LIFETIME_DAYS


class TokenForm(forms.Form):
    """A new token: a name to recognise it by, what it may do, and how long it lasts."""

    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("For example: monthly report script")
    )
    scopes = forms.MultipleChoiceField(
        label=_("It may"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("It stops working after"),
        coerce=int,
        choices=[(days, _("%(days)d days") % {"days": days}) for days in LIFETIME_DAYS],
        initial=30,
    )

    def __init__(self, *args: object, scopes: list[Scope], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scopes"].choices = [(scope.value, scope.label) for scope in scopes]  # type: ignore[attr-defined]
