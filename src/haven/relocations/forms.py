"""
Forms of the stay screens. Each lists its fields (AZ-08); none takes an organisation, a case, a
stay or a recorder from the request body: those come from the URL and the signed-in member.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haven.cases.countries import CountryField
from haven.cases.form_fields import date_field, text_area
from haven.domain.risk import LEVELS
from haven.relocations.models import (
    VISA_OUTCOMES,
    VISA_ROUTES,
    ActivityType,
    CancelGround,
    CheckInMode,
    ExtensionGround,
    FollowUpStatus,
    IncidentType,
    PaymentChannel,
    ReturnOption,
    Severity,
    StayOutcome,
    StipendFrequency,
    WellbeingFlag,
)

END_BEFORE_START = _("The end must be after the start.")


class StayListFilterForm(forms.Form):
    """
    Whether the stay list also shows stays that have ended or were cancelled; the page links
    carry the cursor (``KeysetCursorForm``).
    """

    closed = forms.BooleanField(label=_("Include ended and cancelled stays"), required=False)


class StayOpenForm(forms.Form):
    """Accept the offer: where the stay is, when, and who travels."""

    host_city = forms.CharField(label=_("Host city"), max_length=200)
    host_country = forms.RegexField(
        label=_("Host country (two-letter code, if the programme hosts in several)"),
        regex=r"^[A-Z]{2}$",
        required=False,
    )
    planned_start = date_field(_("Planned start"))
    planned_end = date_field(_("Planned end"))
    travelling_dependants = forms.MultipleChoiceField(
        label=_("Dependants who travel"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = text_area(_("Needs the host should know (housing, access, diet)"), rows=3)

    def __init__(self, *args: Any, dependants: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["travelling_dependants"].choices = dependants  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            raise ValidationError(END_BEFORE_START)
        return data


class VisaForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=VISA_ROUTES.choices)
    outcome = forms.ChoiceField(label=_("Where it stands"), choices=VISA_OUTCOMES.choices)
    consulate = forms.CharField(label=_("Consulate"), required=False, max_length=200)
    issuing_state = CountryField(label=_("State that issued the visa"), required=False)
    lodged_on = date_field(_("Lodged on"), required=False)
    decided_on = date_field(_("Decided on"), required=False)
    valid_from = date_field(_("Valid from"), required=False)
    valid_until = date_field(_("Valid until"), required=False)


class PreparationForm(forms.Form):
    travel_plan = text_area(
        _("Travel and security plan (route, transits, check-in points, missed-contact rule)"),
        rows=4,
        max_length=5000,
    )
    digital_check_done = forms.BooleanField(label=_("Digital-security check done"), required=False)
    insurer = forms.CharField(label=_("Insurer"), required=False, max_length=200)
    policy_number = forms.CharField(label=_("Policy number"), required=False, max_length=100)
    insured_until = date_field(_("Insured until"), required=False)
    mental_health_covered = forms.BooleanField(
        label=_("Mental health care is covered"), required=False
    )
    stipend_amount = forms.DecimalField(
        label=_("Stipend amount"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    stipend_currency = forms.RegexField(
        label=_("Currency (three letters)"), regex=r"^[A-Z]{3}$", required=False
    )
    stipend_frequency = forms.ChoiceField(
        label=_("Paid"), choices=[("", "—"), *StipendFrequency.choices], required=False
    )
    stipend_channel = forms.ChoiceField(
        label=_("Payment channel"), choices=[("", "—"), *PaymentChannel.choices], required=False
    )
    expectations_acknowledged_on = date_field(
        _("The defender acknowledged the return expectation and asylum policy on"),
        required=False,
    )
    flight_details = text_area(
        _("Flights (numbers, times, seats)"),
        rows=2,
        help_text=_("Shredded with the travel plan after the arrival."),
    )
    expected_arrival = forms.DateTimeField(
        label=_("Scheduled landing (local time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_(
            "If the arrival is not confirmed within the programme's hours, the case team is alerted."
        ),
    )
    passport_expires_on = date_field(_("The defender's passport expires on"), required=False)

    def insurance(self) -> dict[str, Any]:
        data = self.cleaned_data
        until = data.get("insured_until")
        return {
            "insurer": data.get("insurer", ""),
            "policy_number": data.get("policy_number", ""),
            "until": until.isoformat() if until else None,
            "mental_health": bool(data.get("mental_health_covered")),
        }

    def stipend(self) -> dict[str, Any]:
        data = self.cleaned_data
        amount = data.get("stipend_amount")
        return {
            "amount": str(amount) if amount is not None else None,
            "currency": data.get("stipend_currency", ""),
            "frequency": data.get("stipend_frequency", ""),
            "channel": data.get("stipend_channel", ""),
        }


class ArrivalForm(forms.Form):
    arrived_on = date_field(_("Arrived on"))
    housing_handed_over = forms.BooleanField(label=_("Housing handed over"), required=False)


class CheckInForm(forms.Form):
    done_on = date_field(_("Date"))
    mode = forms.ChoiceField(label=_("How"), choices=CheckInMode.choices)
    flags = forms.MultipleChoiceField(
        label=_("What the defender chose to share"),
        choices=WellbeingFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = text_area(_("Note (no clinical details)"), rows=3)
    psychosocial_referral = forms.BooleanField(
        label=_("Referred to psychosocial support, at the defender's wish"), required=False
    )


class StayEventForm(forms.Form):
    """
    An activity or an incident of the stay. ``details()`` is what the event's encrypted details
    hold: its type and date, the ``detail_fields`` as typed and the ``detail_flags`` as yes or no.
    """

    detail_fields: tuple[str, ...] = ()
    detail_flags: tuple[str, ...] = ()

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "type": data["type"],
            "date": data["date"],
            **{name: data.get(name, "") for name in self.detail_fields},
            **{name: bool(data.get(name)) for name in self.detail_flags},
        }


class IncidentForm(StayEventForm):
    type = forms.ChoiceField(label=_("What happened"), choices=IncidentType.choices)
    date = date_field(_("Date"))
    coarse_place = forms.CharField(
        label=_("Where, roughly (a city, not an address)"), required=False, max_length=100
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    home_state_link = forms.BooleanField(label=_("Linked to the home state"), required=False)
    police_report = forms.BooleanField(label=_("Reported to the police"), required=False)
    narrative = text_area(_("What happened and what was done"), rows=3)

    detail_fields = ("coarse_place", "severity")
    detail_flags = ("home_state_link", "police_report")


class ActivityForm(StayEventForm):
    type = forms.ChoiceField(label=_("Activity"), choices=ActivityType.choices)
    date = date_field(_("Date"))
    public = forms.BooleanField(label=_("Public (media, talk, publication)"), required=False)
    publicity_consent = forms.BooleanField(
        label=_("The defender agreed to be named or shown"), required=False
    )
    narrative = text_area(_("Risk note"), rows=3)

    detail_flags = ("public", "publicity_consent")


class ExtensionForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=ExtensionGround.choices)
    requested_end = date_field(_("Extend until"))
    evidence = text_area(_("Evidence"), rows=3)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))]
    )


class LetterTemplateForm(forms.Form):
    body = text_area(_("Letter text"), rows=14, max_length=5000, required=True)


RISK_LEVELS = [(level, level) for level in LEVELS]


class ReturnReviewOpenForm(forms.Form):
    staff_risk_level = forms.ChoiceField(label=_("Staff view of the risk"), choices=RISK_LEVELS)
    defender_risk_level = forms.ChoiceField(
        label=_("The defender's own view of the risk"),
        choices=[("", "—"), *RISK_LEVELS],
        required=False,
    )


class ReturnReviewDecisionForm(forms.Form):
    options = forms.MultipleChoiceField(
        label=_("Options weighed"),
        choices=ReturnOption.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    defender_preference = forms.ChoiceField(
        label=_("What the defender wants"), choices=ReturnOption.choices
    )
    staff_decision = forms.ChoiceField(label=_("Staff decision"), choices=ReturnOption.choices)
    legal_advice_offered = forms.BooleanField(
        label=_("Independent legal advice was offered"), required=False
    )


class ReturnPlanForm(forms.Form):
    security_plan = text_area(
        _("Travel, the first 72 hours and the security and digital plan"),
        rows=4,
        max_length=5000,
        required=True,
    )
    contacts = text_area(_("Local contacts"), rows=2)
    support = text_area(_("Reintegration support (grants, psychosocial and legal help)"), rows=2)


class ReturnForm(forms.Form):
    returned_on = date_field(_("Returned on"))


class FollowUpForm(forms.Form):
    done_on = date_field(_("Date"))
    status = forms.ChoiceField(label=_("How the defender is"), choices=FollowUpStatus.choices)
    needs = text_area(_("Needs and referrals"), rows=2)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=StayOutcome.choices)
    on = date_field(_("Since"))


class TravellerForm(forms.Form):
    """Where one travelling dependant's own visa and arrival stand."""

    visa_outcome = forms.ChoiceField(label=_("Their visa"), choices=VISA_OUTCOMES.choices)
    visa_valid_until = date_field(_("Visa valid until"), required=False)
    arrived_on = date_field(_("Arrived on"), required=False)


class CancelForm(forms.Form):
    ground = forms.ChoiceField(label=_("Why the stay is cancelled"), choices=CancelGround.choices)
    on = date_field(_("Cancelled on"))
    note = text_area(_("Note"), rows=2)
