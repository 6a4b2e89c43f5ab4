"""
Forms of the cases workspace. Each lists its fields (AZ-08); none binds an organisation, an owner
or an access list from the request.

The facts forms (threats, prosecutions, dependants, and the sections of the case's own facts
document) are built from ``spec/case-facts.schema.json``, so every field the engines read can be
recorded in the browser and the choices always match what the schema accepts. An unanswered
question stays absent from the facts: absent means "not known", never "no".
"""

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf.locale import LANG_INFO
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from haven.cases.countries import COUNTRY_LIST_HELP, CountryField, CountryListField
from haven.cases.form_fields import date_field, reason_field, text_area
from haven.cases.models import (
    CASE_STATUS_CHOICES,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ErasureReason,
    Urgency,
)
from haven.cases.vocabulary import TERMS, term
from haven.domain.digits import ascii_digits
from haven.reference import schema

UNKNOWN = ("", _("Not known"))
RISK_LEVELS = [
    ("low", _("Low")),
    ("medium", _("Medium")),
    ("high", _("High")),
    ("critical", _("Critical")),
]
FUTURE_DATE = _("This date is in the future; a past event cannot be.")
FIELD_SEPARATOR = "__"


def _label(name: str) -> Any:
    """The translated label of a schema name or value (lazy, so each reader gets their language)."""
    return TERMS.get(name) or term(name)


def _resolve(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = spec.get("$ref")
    if reference:
        return dict(schema("case-facts")["$defs"][reference.rsplit("/", 1)[-1]])
    return spec


class LanguageListField(forms.CharField):
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code.lower() for code in re.split(r"[\s,]+", text) if code]

    def validate(self, value: Any) -> None:
        for code in value:
            if not re.fullmatch(r"[a-z]{2}", code):
                raise forms.ValidationError(_("Use two-letter language codes, e.g. es, en."))


def _yes_no_unknown(label: str) -> forms.Field:
    """Yes, no, or not known (Django's NullBooleanSelect: "unknown" leaves the fact out)."""
    return forms.NullBooleanField(label=label, required=False)


def field_for(name: str, spec: Mapping[str, Any]) -> forms.Field | None:
    """Return a form field for one schema property, or None for nested lists of objects."""
    spec = _resolve(spec)
    label = _label(name)
    kind = spec.get("type")
    if "enum" in spec:
        return forms.ChoiceField(
            label=label, required=False, choices=[UNKNOWN, *[(v, _label(v)) for v in spec["enum"]]]
        )
    if kind == "boolean" or kind == ["boolean", "null"]:
        return _yes_no_unknown(label)
    if kind == "integer":
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=spec.get("minimum"),
            max_value=spec.get("maximum"),
        )
    if kind == "number":
        return forms.FloatField(label=label, required=False, min_value=spec.get("minimum"))
    if kind == "string" and spec.get("format") == "date":
        return date_field(label, required=False)
    if kind == "string" and spec.get("pattern") == "^[A-Z]{2}$":
        return CountryField(label=label, required=False, max_length=100)
    if kind == "string":
        return forms.CharField(label=label, required=False, max_length=spec.get("maxLength", 200))
    if kind == "array":
        items = _resolve(spec.get("items", {}))
        if "enum" in items:
            return forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(v, _label(v)) for v in items["enum"]],
                widget=forms.CheckboxSelectMultiple,
            )
        if items.get("pattern") == "^[A-Z]{2}$":
            return CountryListField(label=label, required=False, help_text=COUNTRY_LIST_HELP)
        if items.get("pattern") == "^[a-z]{2}$":
            return LanguageListField(
                label=label, required=False, help_text=_("Comma-separated codes.")
            )
    return None


def fields_for_object(
    spec: Mapping[str, Any], *, prefix: str = "", skip: tuple[str, ...] = ()
) -> dict[str, forms.Field]:
    """Return form fields for an object schema; nested objects become ``parent__child`` fields."""
    fields: dict[str, forms.Field] = {}
    for name, child in spec.get("properties", {}).items():
        if name in skip:
            continue
        child = _resolve(child)
        if child.get("type") == "object":
            fields.update(fields_for_object(child, prefix=f"{prefix}{name}{FIELD_SEPARATOR}"))
            continue
        field = field_for(name, child)
        if field is not None:
            fields[prefix + name] = field
    return fields


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def object_from_cleaned(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Turn cleaned form data back into a facts object, leaving unanswered fields out."""
    result: dict[str, Any] = {}
    for key, value in cleaned.items():
        if value is None or value == "" or value == []:
            continue
        target = result
        *parents, leaf = key.split(FIELD_SEPARATOR)
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = _plain(value)
    return result


def initial_from_object(data: Mapping[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """The reverse of ``object_from_cleaned``, for showing stored facts in a form."""
    initial: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if isinstance(value, dict):
            initial.update(initial_from_object(value, prefix=f"{prefix}{key}{FIELD_SEPARATOR}"))
        elif isinstance(value, list) and value and isinstance(value[0], str) and key == "languages":
            initial[prefix + key] = ", ".join(value)
        else:
            initial[prefix + key] = value
    return initial


FACTS_SECTIONS = {
    "defender": _("Defender profile"),
    "context": _("Country context"),
    "claim": _("Protection claim"),
    "relocation": _("Relocation"),
    "exposure": _("Vulnerabilities and capacities"),
}


def facts_section_form_class(section: str) -> type[forms.Form]:
    """Return a form class for one section of the case's own facts document."""
    properties = schema("case-facts")["properties"]
    if section == "exposure":
        fields: dict[str, Any] = {
            key: field_for(key, properties[key]) for key in ("vulnerabilities", "capacities")
        }
    else:
        fields = dict(fields_for_object(properties[section], skip=("dependants",)))
    return type(f"{section.title()}FactsForm", (forms.Form,), dict(fields))


class NotInFuture:
    """Refuses dates after today: a threat, consent or check-in that has not happened yet."""

    def __call__(self, value: datetime.date | None) -> None:
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE)


def _record_form(section: str, *, extra: dict[str, forms.Field] | None = None) -> type[forms.Form]:
    properties = schema("case-facts")["properties"]
    spec = (
        properties[section]["items"]
        if section != "dependants"
        else properties["defender"]["properties"]["dependants"]["items"]
    )
    fields = fields_for_object(spec, skip=("note",))
    if "date" in fields:
        fields["date"].validators.append(NotInFuture())
    if "kind" in fields:
        fields["kind"].required = True
    if "charge" in fields:
        fields["charge"].required = True
    fields.update(extra or {})
    fields["submission_token"] = forms.UUIDField(widget=forms.HiddenInput)
    return type(f"{section.title()}Form", (forms.Form,), fields)


ThreatForm = _record_form(
    "threats",
    extra={"narrative": text_area(_("What happened (encrypted)"), rows=4)},
)
ProsecutionForm = _record_form("prosecutions")
DependantForm = _record_form("dependants")


class SubmissionTokenMixin(forms.Form):
    """A one-time token, so a form sent twice is recognised and not saved twice."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)


class IntakeForm(SubmissionTokenMixin):
    legal_name = forms.CharField(label=_("Legal name"), max_length=300)
    other_names = text_area(_("Other names (one per line)"), rows=2)
    birth_date = date_field(_("Date of birth"), required=False, validators=[NotInFuture()])
    phone = forms.CharField(label=_("Safe phone"), required=False, max_length=50)
    email = forms.EmailField(label=_("Safe e-mail"), required=False, max_length=254)
    document_number = forms.CharField(
        label=_("Identity document number"), required=False, max_length=100
    )
    address = text_area(_("Address"), rows=2, max_length=1000)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    nationalities = CountryListField(
        label=_("Nationalities"), required=False, help_text=COUNTRY_LIST_HELP
    )
    current_country = CountryField(label=_("Where the defender is now"), required=False)
    profiles = field_for(
        "profiles", schema("case-facts")["properties"]["defender"]["properties"]["profiles"]
    )
    activities = field_for(
        "activities", schema("case-facts")["properties"]["defender"]["properties"]["activities"]
    )
    own_risk_level = forms.ChoiceField(
        label=_("The defender's own view of their risk"),
        required=False,
        choices=[UNKNOWN, *RISK_LEVELS],
    )
    consent_to_processing = forms.BooleanField(
        label=_("The defender consents to this organisation processing their data"), required=False
    )
    consent_scope = forms.CharField(
        label=_("What they agreed to (in their words)"), required=False, max_length=1000
    )
    # Shown only once the duplicate check has warned: the member read the warning and goes on.
    open_despite_duplicates = forms.BooleanField(
        label=_("I have checked: this is a different person, open a new case"), required=False
    )

    def clean_phone(self) -> str:
        """Stored and shown with ASCII digits, however typed (٠٧٩٠ is 0790): an identifier."""
        return ascii_digits(self.cleaned_data["phone"])

    def clean_document_number(self) -> str:
        return ascii_digits(self.cleaned_data["document_number"])

    def identity(self) -> dict[str, Any]:
        data = self.cleaned_data
        identity: dict[str, Any] = {"legal_name": data["legal_name"].strip()}
        names = [line.strip() for line in data["other_names"].splitlines() if line.strip()]
        if names:
            identity["other_names"] = names
        if data["birth_date"]:
            identity["birth_date"] = data["birth_date"]
        for key in ("phone", "email", "document_number", "address"):
            if data[key].strip():
                identity[key] = data[key].strip()
        return identity

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        defender: dict[str, Any] = {}
        for key in ("nationalities", "profiles", "activities"):
            if data[key]:
                defender[key] = list(data[key])
        if data["current_country"]:
            defender["current_country"] = data["current_country"]
        if data["own_risk_level"]:
            defender["own_risk_level"] = data["own_risk_level"]
        facts: dict[str, Any] = {"schema": "haven.case-facts/1"}
        if defender:
            facts["defender"] = defender
        return facts


class NoteForm(SubmissionTokenMixin):
    body = text_area(_("Note (encrypted)"), rows=4, max_length=20_000, required=True)


class ReasonForm(forms.Form):
    reason = reason_field(_("Why do you need this?"), max_length=1000)


class BreakGlassForm(ReasonForm):
    code = forms.CharField(label=_("Case code"), max_length=20)


class ConsentForm(SubmissionTokenMixin):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_on = date_field(_("Given on"), validators=[NotInFuture()])
    scope = text_area(_("What they agreed to"), rows=2, max_length=1000, required=True)
    method = forms.ChoiceField(
        label=_("How the defender gave it"),
        choices=[("", _("Choose how")), *ConsentMethod.choices],
    )
    language = forms.ChoiceField(label=_("The language they used"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]


class AssessmentForm(SubmissionTokenMixin):
    """Running the engines: the defender's own view goes in; the staff decision comes after."""

    defender_risk_level = forms.ChoiceField(
        label=_("The defender's own view of their risk"),
        required=False,
        choices=[UNKNOWN, *RISK_LEVELS],
    )


def language_choices() -> list[tuple[str, str]]:
    """Every language Django names, by its name in the reader's language, sorted by that name."""
    named = [
        (code, str(get_language_info(code)["name_translated"]))
        for code, info in LANG_INFO.items()
        if "name" in info
    ]
    return [("", str(_("Choose a language"))), *sorted(named, key=lambda item: item[1].lower())]


class ConsentWithdrawalForm(SubmissionTokenMixin):
    """Withdrawing a consent: why, how the defender said it, in which language, and a confirmation."""

    reason = reason_field(_("Why the defender withdrew it (encrypted)"), rows=3)
    method = forms.ChoiceField(
        label=_("How the defender told you"),
        choices=[("", _("Choose how")), *ConsentMethod.choices],
    )
    language = forms.ChoiceField(label=_("The language they used"), choices=[])
    confirm = forms.BooleanField(
        label=_("I confirm the defender withdrew this consent. This cannot be undone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]


class AssessmentDecisionForm(SubmissionTokenMixin):
    """The staff decision, recorded after the engines' result was read."""

    staff_risk_level = forms.ChoiceField(
        label=_("Your decision on the risk"), choices=[("", _("Choose a level")), *RISK_LEVELS]
    )
    reasons = reason_field(_("Your reasons (encrypted)"), rows=4, max_length=5000)


class CorrectionReasonForm(forms.Form):
    """Why a record is corrected: kept with what it said before."""

    correction_reason = reason_field(_("Why this correction (encrypted)"))


class CaseSettingsForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    next_due_on = date_field(_("Next action due"), required=False)


class TransitionForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Move to"), choices=[c for c in CASE_STATUS_CHOICES if c[0] != CaseStatus.ERASED]
    )
    confirmed = forms.MultipleChoiceField(
        label=_("I confirm"), required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason (encrypted)"), required=False, max_length=2000)

    def __init__(
        self,
        *args: Any,
        requirements: list[tuple[str, str]],
        targets: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].choices = requirements  # type: ignore[attr-defined]
        if targets is not None:  # offer only the moves the machine knows from here
            self.fields["target"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in CASE_STATUS_CHOICES if value in targets
            ]


class ErasureRequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should the case be erased?"),
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
    )


class AssignForm(forms.Form):
    membership = forms.UUIDField(widget=forms.HiddenInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (JPEG, PNG, WebP, PDF or plain text)"))


SEARCH_FIELDS = [
    ("name", _("Name, or a part of one")),
    ("phone", _("Phone, in any format")),
    ("email", _("E-mail")),
    ("document_number", _("Document number")),
]


class SearchForm(forms.Form):
    field = forms.ChoiceField(label=_("Search by"), choices=SEARCH_FIELDS)
    value = forms.CharField(
        label=_("Search for"),
        max_length=300,
        help_text=_(
            "Accents and capitals do not matter. A name: at least three letters of a first name "
            "or a surname. A phone: national or international, at least the last seven digits."
        ),
    )


SORT_CHOICES = [
    ("", _("Urgency and due date (usual order)")),
    ("country", _("Country, A to Z")),
    ("-country", _("Country, Z to A")),
    ("profile", _("Profile, A to Z")),
    ("-profile", _("Profile, Z to A")),
    ("-risk", _("Risk, highest first")),
    ("risk", _("Risk, lowest first")),
    ("stage", _("Stage, earliest first")),
    ("-stage", _("Stage, latest first")),
]


class ListFilterForm(forms.Form):
    """The case list's filters and order; the page links carry the cursor (``KeysetCursorForm``)."""

    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=CASE_STATUS_CHOICES[:-1]
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any")), *Urgency.choices]
    )
    mine = forms.BooleanField(label=_("Only my cases"), required=False)
    closed = forms.BooleanField(label=_("Include closed"), required=False)
    # Not validated here: the view parses it (haven.cases.listing.parse_sort), so an unknown
    # column is refused with its own message instead of dropping every filter with it.
    sort = forms.CharField(
        label=_("Sort by"), required=False, widget=forms.Select(choices=SORT_CHOICES)
    )


CORRECTION_TITLES = {
    "threat": _("Correct a threat or incident"),
    "prosecution": _("Correct a prosecution"),
    "dependant": _("Correct a dependant"),
    "consent": _("Correct a consent"),
}


class ConsentDetailsForm(forms.Form):
    purpose = ConsentForm.base_fields["purpose"]
    given_on = ConsentForm.base_fields["given_on"]
    scope = ConsentForm.base_fields["scope"]


_CORRECTION_BASES: dict[str, type[forms.Form]] = {
    "threat": ThreatForm,
    "prosecution": ProsecutionForm,
    "dependant": DependantForm,
    "consent": ConsentDetailsForm,
}


def correction_form_class(kind: str) -> type[forms.Form]:
    """The record's own form, with a one-time token and the reason for the correction."""
    base = _CORRECTION_BASES[kind]
    fields = dict(base.base_fields)
    fields.update(CorrectionReasonForm.base_fields)
    fields["submission_token"] = forms.UUIDField(widget=forms.HiddenInput)
    return type(f"{kind.title()}CorrectionForm", (forms.Form,), fields)


def correction_initial(kind: str, record: Any) -> dict[str, Any]:
    """What the record says now, as the form's starting values."""
    details = dict(record.details or {})
    if kind == "consent":
        return {key: details.get(key) for key in ("purpose", "given_on", "scope")}
    initial = initial_from_object(details)
    if kind == "threat":
        initial["narrative"] = record.narrative or ""
    return initial


def correction_details(kind: str, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The corrected record's details from the form (the reason and token already taken out)."""
    if kind == "consent":
        return {
            "purpose": cleaned["purpose"],
            "given_on": cleaned["given_on"].isoformat(),
            "scope": cleaned["scope"],
        }
    return object_from_cleaned(cleaned)
