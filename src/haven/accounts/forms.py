"""Forms for signing in, second factors, invitations and members. Fields are listed explicitly (AZ-08)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.accounts.reading import Digits
from haven.accounts.usernames import validate_single_script
from haven.organisations.models import Role


def password_field(label: Any, *, autocomplete: str) -> forms.CharField:
    """
    A password typed as is: not stripped (spaces count), hidden, and marked for password managers
    as the one in use (``current-password``) or one being chosen (``new-password``).
    """
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class DigitsForm(forms.Form):
    """How the account reads numbers and dates: as its language writes them, or 0-9."""

    digits = forms.ChoiceField(
        label=_("Digits"),
        choices=Digits.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Arabic pages write numbers and dates in Arabic-Indic digits; choose Western digits "
            "if you write 0-9. Case codes, phone numbers and codes always keep 0-9."
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class BothFactorsForm(forms.Form):
    """Password and second factor together: the way in while an account's sign-in is paused."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password = password_field(_("Password"), autocomplete="current-password")
    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=8,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class InvitationForm(forms.Form):
    # No role is chosen in advance: granting one must be a decision, never a default left as is.
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Choose a role")), *Role.choices], required=True
    )
    username = forms.CharField(
        label=_("Username (optional)"),
        required=False,
        max_length=150,
        help_text=_("Leave empty to let the person choose."),
    )


class AcceptInvitationForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=40,
        help_text=_("The code after # in your invitation link, for example ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        validators=[validate_single_script],
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
    )
    password = password_field(_("Password (at least 12 characters)"), autocomplete="new-password")
    password_again = password_field(_("Password again"), autocomplete="new-password")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganisationChoiceForm(forms.Form):
    organisation = forms.UUIDField(widget=forms.HiddenInput)
