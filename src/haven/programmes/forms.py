"""
Forms of the programmes screens. Each lists its fields (AZ-08); none takes an organisation, an
owner or a status from the request body except where choosing it is the point of the form.

The catalogue distinguishes "not recorded" (``null``) from "none" (``[]``) for lists, and
unknown from no for yes/no facts, because the eligibility engine reads them differently. The
forms keep that difference visible: a list field accepts a word for ``null``, and yes/no fields
offer "not recorded".
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haven.cases.countries import COUNTRY_LIST_HELP, CountryListField
from haven.cases.form_fields import date_field, reason_field, text_area
from haven.organisations.models import Membership
from haven.programmes.models import (
    ApplicationRoute,
    ApplicationStatus,
    IntakeWindow,
    IntakeWindowStatus,
    Programme,
    ProgrammeKind,
    ProgrammeScope,
)

LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
CATALOGUE_CODE = re.compile(r"^[a-z0-9_]{1,60}$")
NOT_RECORDED = "unknown"


WINDOW_LABEL = _("%(programme)s: %(window)s")


def window_label(window: IntakeWindow) -> str:
    """An intake window named with its programme: window names such as "Spring" repeat."""
    return str(WINDOW_LABEL) % {"programme": window.programme.name, "window": window.name}


class WindowChoiceField(forms.ModelChoiceField[IntakeWindow]):
    def label_from_instance(self, obj: Any) -> str:
        return window_label(obj)


class WindowsChoiceField(forms.ModelMultipleChoiceField[IntakeWindow]):
    def label_from_instance(self, obj: Any) -> str:
        return window_label(obj)


class AnyCountryListField(CountryListField):
    """Countries by name, where an empty answer means every country (stored as ``None``)."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)

    def clean(self, value: Any) -> list[str] | None:  # type: ignore[override]
        return super().clean(value) or None


class CodeListField(forms.CharField):
    """
    A comma-separated list of codes. ``null_word`` (when given) stands for ``null``: shown for a
    ``None`` value and turned back into ``None``; an empty field is the empty list.
    """

    def __init__(
        self,
        *,
        pattern: re.Pattern[str],
        upper: bool = False,
        null_word: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.pattern = pattern
        self.upper = upper
        self.null_word = null_word

    def prepare_value(self, value: Any) -> Any:
        if value is None:
            return self.null_word or ""
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if self.null_word is not None and text.lower() == self.null_word:
            return None
        codes = [part.strip() for part in text.split(",") if part.strip()]
        codes = [code.upper() if self.upper else code.lower() for code in codes]
        wrong = [code for code in codes if not self.pattern.match(code)]
        if wrong:
            raise ValidationError(
                _("Not a valid code: %(codes)s."), params={"codes": ", ".join(wrong[:5])}
            )
        return list(dict.fromkeys(codes))


def schedule_field(label: Any, *, minimum: int, maximum: int, default: Any) -> forms.IntegerField:
    """
    One figure of the programme's own stay schedule (``catalogue.SCHEDULE_FIELDS``): a whole
    number from ``minimum`` to ``maximum``, or empty for the design default, which ``default``
    tells in words.
    """
    return forms.IntegerField(
        label=label, required=False, min_value=minimum, max_value=maximum, help_text=default
    )


class ProgrammeForm(forms.Form):
    """Edit one programme's catalogue facts; initial values come from the stored programme."""

    name = forms.CharField(label=_("Name"), max_length=200)
    operator = text_area(_("Operator"), rows=2)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=ProgrammeScope.choices)
    host_countries = CountryListField(
        label=_("Host countries"), required=False, help_text=COUNTRY_LIST_HELP
    )
    host_cities = forms.CharField(
        label=_("Host cities"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas."),
    )
    duration_months_min = forms.FloatField(
        label=_("Shortest stay (months)"), required=False, min_value=0
    )
    duration_months_max = forms.FloatField(
        label=_("Longest stay (months)"), required=False, min_value=0
    )
    eligible_profiles = CodeListField(
        label=_("Eligible profiles"),
        pattern=CATALOGUE_CODE,
        null_word=NOT_RECORDED,
        help_text=_('Catalogue profile codes, separated by commas; "unknown" if not recorded.'),
    )
    eligible_nationalities = AnyCountryListField(
        label=_("Eligible nationalities"),
        required=False,
        help_text=_(
            "Type each country's name, separated by semicolons; leave empty when the programme "
            "takes every nationality."
        ),
    )
    languages_required = CodeListField(
        label=_("Languages required"),
        pattern=LANGUAGE_CODE,
        null_word=NOT_RECORDED,
        help_text=_('ISO 639-1 codes; empty when none is needed; "unknown" if not recorded.'),
    )
    requires_return_intent = forms.NullBooleanField(
        label=_("Requires an intention to return"), required=False
    )
    family_allowed = forms.NullBooleanField(label=_("Takes accompanying family"), required=False)
    requires_refugee_status = forms.NullBooleanField(
        label=_("Requires refugee status"), required=False
    )
    must_be_outside_home_country = forms.NullBooleanField(
        label=_("Only for defenders outside their own country"), required=False
    )
    provides = CodeListField(
        label=_("Provides"),
        pattern=CATALOGUE_CODE,
        help_text=_("Codes such as housing, stipend, medical, psychosocial."),
    )
    intake = text_area(_("Intake"), rows=3, max_length=4000)
    asylum_policy = text_area(
        _("Asylum policy"),
        rows=3,
        max_length=4000,
        help_text=_("Shown to the defender before they apply. Empty if not recorded."),
    )
    places_per_year = forms.IntegerField(label=_("Places per year"), required=False, min_value=0)
    source_url = forms.URLField(
        label=_("Source"), required=False, max_length=500, assume_scheme="https"
    )
    return_review_weeks = schedule_field(
        _("Return review, weeks before the planned end"),
        minimum=1,
        maximum=52,
        default=_("Empty: six weeks for stays of up to three months, three months for longer."),
    )
    arrival_alert_hours = schedule_field(
        _("Alert when an arrival is not confirmed, hours after landing"),
        minimum=1,
        maximum=72,
        default=_("Empty: six hours."),
    )
    travel_plan_shred_days = schedule_field(
        _("Shred the travel plan, days after arrival"),
        minimum=0,
        maximum=365,
        default=_("Empty: thirty days."),
    )

    def clean_host_cities(self) -> list[str]:
        text: str = self.cleaned_data["host_cities"]
        return [city.strip() for city in text.split(",") if city.strip()]

    def clean_asylum_policy(self) -> str | None:
        text: str = self.cleaned_data["asylum_policy"].strip()
        return text or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("duration_months_min"), data.get("duration_months_max")
        if low is not None and high is not None and high < low:
            self.add_error(
                "duration_months_max", _("The longest stay is shorter than the shortest.")
            )
        return data

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        initial = {field: getattr(programme, field) for field in ProgrammeForm.base_fields}
        initial["host_cities"] = ", ".join(programme.host_cities or [])
        return initial


class IntakeWindowForm(forms.Form):
    """Create or change an intake window; capacities are entered per resource."""

    name = forms.CharField(label=_("Name"), max_length=120)
    opens_on = date_field(_("Opens on"))
    closes_on = date_field(_("Closes on"))
    stay_starts_on = date_field(_("Stay starts on"), required=False)
    stay_ends_on = date_field(_("Stay ends on"), required=False)
    host_country = forms.ChoiceField(label=_("Host country"), required=False)
    places = forms.IntegerField(label=_("Places"), min_value=0)
    beds = forms.IntegerField(
        label=_("Beds"),
        min_value=0,
        required=False,
        help_text=_(
            "Leave empty if the window does not count beds. When any window in a matching run "
            "counts beds, every family needs a bed per person there."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=IntakeWindowStatus.choices)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = programme.host_countries or []
        self.fields["host_country"].choices = [("", _("Not fixed yet"))] + [  # type: ignore[attr-defined]
            (code, code) for code in hosts
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        capacities = {"places": data.pop("places")}
        beds = data.pop("beds")
        if beds is not None:
            capacities["beds"] = beds
        data["capacities"] = capacities
        return data

    @staticmethod
    def initial_for(window: IntakeWindow) -> dict[str, Any]:
        return {
            "name": window.name,
            "opens_on": window.opens_on,
            "closes_on": window.closes_on,
            "stay_starts_on": window.stay_starts_on,
            "stay_ends_on": window.stay_ends_on,
            "host_country": window.host_country,
            "places": window.capacities.get("places"),
            "beds": window.capacities.get("beds"),
            "status": window.status,
        }


class ApplicationForm(forms.Form):
    """Start an application of a case to a programme of the member's own catalogue."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    intake_window = WindowChoiceField(
        label=_("Intake window"),
        queryset=IntakeWindow.objects.none(),
        required=False,
        empty_label=_("Any window of the programme"),
    )
    route = forms.ChoiceField(label=_("Route"), choices=ApplicationRoute.choices)
    preference_rank = forms.TypedChoiceField(
        label=_("The defender's ranking"),
        choices=[("", _("Not ranked")), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, programmes: Any, windows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["intake_window"].queryset = windows.select_related("programme")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        window, programme = data.get("intake_window"), data.get("programme")
        if window is not None and programme is not None and window.programme_id != programme.pk:
            self.add_error("intake_window", _("That window belongs to another programme."))
        return data


class PersecutorReachForm(forms.Form):
    host_countries = CountryListField(
        label=_("Host countries the persecutor can reach"),
        required=False,
        help_text=_(
            "Type each country's name, separated by semicolons. No placement there is ever proposed."
        ),
    )
    must_leave_by = date_field(
        _("The defender must leave by"),
        required=False,
        help_text=_(
            "No placement whose stay starts after this date is ever proposed. Leave empty when "
            "there is no such date."
        ),
    )


class ApplicationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ApplicationStatus.choices)


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *ApplicationStatus.choices]
    )


class MatchingRunForm(forms.Form):
    windows = WindowsChoiceField(
        label=_("Intake windows"),
        queryset=IntakeWindow.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    seed = forms.IntegerField(
        label=_("Lottery seed"),
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text=_("Breaks ties within a tier in the greedy comparison; recorded with the run."),
    )

    def __init__(self, *args: Any, windows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["windows"].queryset = windows.select_related("programme")  # type: ignore[attr-defined]


class RemovePlacementForm(forms.Form):
    """Take one case's placement out of a proposed run, with the reason."""

    case = forms.UUIDField(widget=forms.HiddenInput)
    reason = reason_field(_("Why take this placement out (encrypted)"), max_length=1000)


class HostPartnerForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Host partner"), queryset=Membership.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["membership"].label_from_instance = (  # type: ignore[attr-defined]
            lambda membership: membership.user.username
        )
