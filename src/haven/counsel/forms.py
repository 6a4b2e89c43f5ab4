"""
Forms of the counsel screens. Each lists its fields (AZ-08); the organisation, the case and the
recorder come from the URL and the signed-in member, never from the request body.
"""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.countries import CountryField
from haven.cases.form_fields import date_field, text_area
from haven.cases.forms import SubmissionTokenMixin
from haven.counsel.models import ExportMode

PASSPHRASES_DIFFER = _("The two passphrases differ.")


class PartnerForm(forms.Form):
    """A legal-aid partner in the directory: who, where, how to reach them, and their age key."""

    name = forms.CharField(label=_("Name of the organisation or lawyer"), max_length=200)
    host_state = CountryField(label=_("Host state where they work"))
    contact = text_area(_("How to reach them safely"), rows=3, max_length=1000, required=True)
    age_recipient = forms.CharField(
        label=_("Their age recipient key (starts with age1)"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    key_expires_on = date_field(_("The key is valid until"))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class ReferralForm(SubmissionTokenMixin):
    """A referral: counsel, date, the defender's consent, and the items they agreed to share."""

    partner = forms.ChoiceField(label=_("Counsel"))
    referred_on = date_field(_("Referred on"))
    consent = forms.ChoiceField(
        label=_("The defender's consent to a referral to counsel"), required=False
    )
    items = forms.MultipleChoiceField(
        label=_("Items the defender agreed to share with this counsel"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick only what the defender agreed to, item by item. Wellbeing notes, security-plan "
            "details and sources are left out unless the defender asks."
        ),
    )
    items_agreed_on = date_field(_("The defender agreed to these items on"))
    note = text_area(_("Note for counsel (optional)"), rows=3)

    def __init__(
        self,
        *args: Any,
        partners: list[tuple[str, str]],
        consents: list[tuple[str, str]],
        items: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        kwargs["initial"].setdefault("referred_on", today)
        kwargs["initial"].setdefault("items_agreed_on", today)
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = partners  # type: ignore[attr-defined]
        self.fields["consent"].choices = [("", _("No consent recorded")), *consents]  # type: ignore[attr-defined]
        if consents:
            self.fields["consent"].initial = consents[0][0]
        self.fields["items"].choices = items  # type: ignore[attr-defined]


class ExportForm(forms.Form):
    """How to encrypt the pack: to counsel's key, or to a passphrase given to counsel apart."""

    mode = forms.ChoiceField(
        label=_("Encrypt the pack"),
        choices=ExportMode.choices,
        initial=ExportMode.RECIPIENT,
        widget=forms.RadioSelect,
    )
    passphrase = forms.CharField(
        label=_("Passphrase (only when encrypting to a passphrase)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    passphrase_again = forms.CharField(
        label=_("The passphrase again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == ExportMode.PASSPHRASE and data.get("passphrase") != data.get(
            "passphrase_again"
        ):
            self.add_error("passphrase_again", PASSPHRASES_DIFFER)
        return data
