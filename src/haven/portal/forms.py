"""Forms of the portal (what a defender fills in) and of the staff intake queue."""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.form_fields import date_field, text_area
from haven.cases.models import Urgency
from haven.organisations.models import Organisation
from haven.portal import receipts
from haven.portal.models import ContactChannel
from haven.portal.selectors import portal_organisations
from haven.relocations.models import IncidentType, WellbeingFlag

PASSPHRASES_DIFFER = _("The two passphrases are not the same.")
TOO_MANY_FILES = _("Send at most %(limit)d files.")
FILE_TOO_LARGE = _("Each file may be at most %(megabytes)d MB.")
PASSPHRASE_TOO_SHORT = _("A passphrase has at least %(limit_value)d characters.")
PASSPHRASE_TOO_LONG = _("A passphrase has at most %(limit_value)d characters.")
DAY_NOT_COME = _("That day has not come yet: give the day it happened.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files, each within the portal's size limit."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        limit = settings.HAVEN_PORTAL_MAX_FILES
        if len(files) > limit:
            raise forms.ValidationError(TOO_MANY_FILES, params={"limit": limit})
        most = settings.HAVEN_PORTAL_MAX_FILE_BYTES
        for upload in files:
            if upload.size is None or upload.size > most:
                raise forms.ValidationError(
                    FILE_TOO_LARGE, params={"megabytes": most // (1024 * 1024)}
                )
        return list(files)


def _passphrase_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        min_length=receipts.PASSPHRASE_MIN_LENGTH,
        max_length=receipts.PASSPHRASE_MAX_LENGTH,
        error_messages={"min_length": PASSPHRASE_TOO_SHORT, "max_length": PASSPHRASE_TOO_LONG},
    )


class AntiAbuseFields(forms.Form):
    """The signed one-time token and the optional proof-of-work answer every portal form sends."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    work = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)


class ReferralForm(AntiAbuseFields):
    organisation = forms.ModelChoiceField(
        label=_("Organisation you are writing to"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=None,
    )
    name = forms.CharField(
        label=_("Your name, or the name we should use (optional)"),
        required=False,
        max_length=200,
    )
    channel = forms.ChoiceField(
        label=_("How can we reach you safely?"), choices=ContactChannel.choices
    )
    handle = forms.CharField(
        label=_("Your number, username or address on that channel"),
        max_length=200,
        help_text=_("It does not have to be a phone number."),
    )
    country = forms.CharField(label=_("Country where you are at risk"), max_length=100)
    when = forms.CharField(
        label=_("When did it happen? (optional)"), required=False, max_length=200
    )
    account = text_area(_("What happened?"), rows=8, max_length=5000, required=True)
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    attachments = MultipleFileField(
        label=_("Files (optional): photos, PDF or text"),
        required=False,
    )
    passphrase = _passphrase_field(_("Choose a passphrase"))
    passphrase_again = _passphrase_field(_("The same passphrase again"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = portal_organisations()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("passphrase"), cleaned.get("passphrase_again")
        if first and second and first != second:
            self.add_error("passphrase_again", PASSPHRASES_DIFFER)
        return cleaned


class SignInForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        strip=False,
        max_length=receipts.PASSPHRASE_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class DefenderMessageForm(AntiAbuseFields):
    body = text_area(_("Your message to the team"), rows=5, max_length=5000, required=True)


#: The wellbeing answers in the defender's own words; the stored values are the stay's flags.
DEFENDER_WELLBEING_CHOICES = [
    (WellbeingFlag.RESTED, _("I am resting well")),
    (WellbeingFlag.NOT_RESTED, _("I am not resting well")),
    (WellbeingFlag.FEELS_UNSAFE, _("I do not feel safe")),
    (WellbeingFlag.WORRIED_ABOUT_FAMILY, _("I am worried about my family at home")),
    (WellbeingFlag.OVERLOADED, _("I have too much work or too many appointments")),
    (WellbeingFlag.WANTS_PROVIDER, _("I would like to talk to someone about how I feel")),
    (WellbeingFlag.HOST_SHOULD_CHANGE, _("There is something my host should change")),
]

#: Incident types in the defender's words; the stored values are the stay's incident vocabulary.
DEFENDER_INCIDENT_CHOICES = [
    (IncidentType.SURVEILLANCE, _("I was watched or followed")),
    (IncidentType.ONLINE_HARASSMENT, _("Threats online, or my accounts or devices were hacked")),
    (IncidentType.INTIMIDATION, _("Someone from the embassy, or an informant, approached me")),
    (IncidentType.THREATS_TO_FAMILY, _("My family at home was pressured")),
    (IncidentType.SMEAR_CAMPAIGN, _("A campaign to discredit me")),
    (IncidentType.DEATH_THREAT, _("A death threat")),
    (IncidentType.PHYSICAL_ATTACK, _("A physical attack")),
    (IncidentType.JUDICIAL_HARASSMENT, _("An Interpol notice or a court case at home")),
]


class DefenderCheckInForm(AntiAbuseFields):
    """How the defender is, in their own words: answers to choose and an optional note."""

    flags = forms.MultipleChoiceField(
        label=_("How are you? Choose what you want to share"),
        choices=DEFENDER_WELLBEING_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = text_area(_("Anything else the team should know (optional)"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "check_in_%s")
        super().__init__(*args, **kwargs)


class DefenderIncidentForm(AntiAbuseFields):
    """A security incident during the stay: what, when, and what the defender wants to say."""

    type = forms.ChoiceField(label=_("What happened?"), choices=DEFENDER_INCIDENT_CHOICES)
    date = date_field(_("On what day?"))
    home_state_link = forms.BooleanField(
        label=_("I think the authorities of my country are behind it"), required=False
    )
    narrative = text_area(_("Tell the team what happened (optional)"), rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "incident_%s")
        super().__init__(*args, **kwargs)

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(DAY_NOT_COME)
        return day


class OpenCaseForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Name to open the case under"),
        max_length=300,
        help_text=_("The name the defender gave, or a placeholder until you know it."),
    )


class LinkCaseForm(forms.Form):
    case_code = forms.CharField(label=_("Case code"), max_length=20)


class DeclineForm(forms.Form):
    reason = text_area(_("Reason the defender will read"), rows=4, required=True)


class TeamMessageForm(forms.Form):
    body = text_area(_("Message to the defender"), rows=4, max_length=5000, required=True)
