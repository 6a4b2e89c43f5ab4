"""
Template filters that show facts, engine findings and catalogue entries in plain, translated words.

The stored documents keep stable identifiers and ISO codes; these filters are the one place a page
turns them into labels (``haven.cases.vocabulary``), country names in the reader's language
(``haven.cases.countries``), yes/no answers and localised numbers and dates.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django import template
from django.db import models
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from haven.accounts import reading
from haven.cases import engine_messages
from haven.cases.countries import country_name, country_names
from haven.cases.models import (
    CASE_STATUS_LABELS,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    Urgency,
)
from haven.cases.vocabulary import TERMS, in_words, programme_name, term
from haven.reference import schema

register = template.Library()

YES = _("Yes")
NO = _("No")
NOT_KNOWN = _("Not known")


def _country_facts() -> frozenset[str]:
    """The names of the facts whose values are country codes, read from the facts schema."""
    document = schema("case-facts")
    definitions = document.get("$defs", {})

    def resolved(spec: Any) -> Any:
        if isinstance(spec, Mapping) and "$ref" in spec:
            return definitions.get(str(spec["$ref"]).rsplit("/", 1)[-1], {})
        return spec

    def is_country(spec: Any) -> bool:
        spec = resolved(spec)
        return isinstance(spec, Mapping) and spec.get("pattern") == "^[A-Z]{2}$"

    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for name, spec in (node.get("properties") or {}).items():
                items = resolved(spec).get("items") if isinstance(resolved(spec), Mapping) else None
                if is_country(spec) or is_country(items):
                    names.add(name)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(document)
    return frozenset(names)


COUNTRY_FACTS = _country_facts()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """Return ``mapping[key]`` or None: templates cannot index with a variable."""
    return mapping.get(key) if isinstance(mapping, Mapping) else None


@register.filter(name="term")
def term_filter(value: Any) -> str:
    """The translated label of an identifier (``treason_espionage`` → "Treason or espionage")."""
    return term(value)


@register.filter
def terms(values: Any) -> str:
    """Several identifiers as translated labels, joined with commas."""
    return ", ".join(term(value) for value in values or ())


def _date(text: str) -> Any:
    if not text[:1].isdigit():
        return None  # every ISO 8601 date starts with its year: not one, and no exception raised
    try:
        return reading.date(datetime.date.fromisoformat(text))
    except ValueError:
        return None


@register.filter
def fact_value(value: Any, name: str = "") -> str:
    """
    Show one fact as a person reads it: countries by name, identifiers as labels, yes or no,
    numbers and dates in the reader's locale, lists joined and nested facts as "label: value".
    """
    if value.__class__ is str:
        # Most facts: the same answers as the checks below give a string, in their order.
        text: str = value
        if name == "programme_id":
            return programme_name(text)
        if name in COUNTRY_FACTS:
            return country_name(text)
        if text in TERMS:
            return term(text)
        return _date(text) or text
    if value is None:
        return str(NOT_KNOWN)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if name == "programme_id":
        return programme_name(value)
    if name in COUNTRY_FACTS:
        return country_names(value) if isinstance(value, list) else country_name(value)
    if isinstance(value, list):
        return ", ".join(fact_value(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{term(key)}: {fact_value(item, key)}" for key, item in value.items())
    if isinstance(value, float) and value.is_integer():
        return reading.number(int(value))
    if isinstance(value, int | float):
        return reading.number(value)
    text = str(value)
    if text in TERMS:
        return term(text)
    return _date(text) or text


def _choice_label(choices: type[models.TextChoices], value: Any) -> str:
    try:
        return str(choices(str(value)).label)
    except ValueError:
        return term(value)


@register.filter
def case_status(value: Any) -> str:
    """The label of a case status value (as the lifecycle engine names it)."""
    try:
        return str(CASE_STATUS_LABELS[CaseStatus(str(value))])
    except ValueError:
        return term(value)


@register.filter
def urgency(value: Any) -> str:
    """
    The label of a case's urgency. Lists show it on every row: ``get_urgency_display`` would
    rebuild and hash the translated choices on each call, this finds the one label.
    """
    return _choice_label(Urgency, value)


@register.filter
def consent_purpose(value: Any) -> str:
    """The label of a consent's purpose."""
    return _choice_label(ConsentPurpose, value)


@register.filter
def consent_method(value: Any) -> str:
    """How the defender said it, in words."""
    return _choice_label(ConsentMethod, value)


@register.filter
def language_name(code: Any) -> str:
    """One language by name in the reader's language."""
    return language_names([code]) if code else ""


@register.filter
def language_names(codes: Any) -> str:
    """Languages by name in the reader's language (Django's list), the code when it has none."""
    names = []
    for code in codes or ():
        try:
            names.append(str(get_language_info(str(code))["name_translated"]))
        except KeyError:
            names.append(str(code))
    return ", ".join(names)


# Countries by name, engine reasons in words and catalogue programmes by name: the functions
# themselves are the filters.
register.filter("country", country_name)
register.filter("countries", country_names)
register.filter("reason", in_words)
register.filter("programme", programme_name)


@register.filter
def localised_output(assessment: Any) -> Any:
    """
    An assessment's engine output with its keyed reasons in the reader's language (the same as
    the assessment page shows); one stored before reasons were keyed, as written.
    """
    output = getattr(assessment, "output", None) or {}
    keyed = getattr(assessment, "output_messages", None)
    return engine_messages.localise(output, keyed) if keyed else output


@register.filter
def reasons_lang(assessment: Any) -> str:
    """The ``lang`` of an assessment's reasons: the reader's when keyed, English when not."""
    return translation.get_language() if getattr(assessment, "output_messages", None) else "en"


@register.filter
def reasons_dir(assessment: Any) -> str:
    """The ``dir`` of an assessment's reasons, to go with ``reasons_lang``."""
    keyed = getattr(assessment, "output_messages", None)
    return "rtl" if keyed and translation.get_language_bidi() else "ltr"
