"""
Countries by name, in the reader's language, for pages and forms.

The facts and the catalogue store ISO 3166 alpha-2 codes (what the engines and the schemas
read); people read and type names. The names and their translations come from django-countries,
which is maintained against the ISO list and ships catalogues for Spanish, French and Arabic among
many others, so Haven keeps no country list of its own. A typed name is matched without regard to
case or accents, in the active language or in English, and a two-letter code is still accepted.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django import forms
from django.core.signals import setting_changed
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from haven.organisations.errors import ApplicationError

UNKNOWN_COUNTRY = _("We do not know a country called “%(name)s”. Choose one from the list.")
COUNTRY_LIST_HELP = _("Type each country's name and separate them with semicolons.")
LIST_SEPARATOR = "; "


class UnknownCountryError(ApplicationError):
    """A typed country name that matches no country in the reader's language or in English."""


def folded(text: str) -> str:
    """Return ``text`` without case, accents or repeated spaces, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", bare).strip()


#: Each country's name by language and code, as django-countries gave it: asking it translates the
#: name anew (about 30 µs), a case page asks several times, and the names cannot change while the
#: process runs. Only codes django-countries knows are kept, so what is typed cannot grow it.
#: Emptied when a test changes a setting (the languages, the catalogues, django-countries' own).
_NAMES_BY_LANGUAGE: dict[str, dict[str, str]] = {}


def _forget_names(**_kwargs: object) -> None:
    _NAMES_BY_LANGUAGE.clear()


setting_changed.connect(_forget_names, dispatch_uid="haven.cases.countries.forget_names")


def country_name(code: object) -> str:
    """Return the country's name in the active language, or the code itself when unknown."""
    text = str(code or "")
    names = _NAMES_BY_LANGUAGE.setdefault(get_language() or "", {})
    name = names.get(text)
    if name is None:
        name = str(countries.name(text)) or text
        if text in countries.countries:
            names[text] = name
    return name


def country_names(codes: Iterable[object] | None) -> str:
    """Return the names of several countries, joined so that each can be typed back."""
    return LIST_SEPARATOR.join(country_name(code) for code in codes or ())


@lru_cache(maxsize=16)
def _codes_by_name(language: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for active in ("en", language):
        with override(active):
            for code, name in countries:
                names[folded(str(name))] = code
    return names


def country_code(text: str) -> str:
    """
    Return the ISO code for a country typed by name (or as a code).

    Raises UnknownCountryError, naming what was typed, when nothing matches.
    """
    typed = text.strip()
    if re.fullmatch(r"[A-Za-z]{2}", typed) and typed.upper() in countries:
        return typed.upper()
    code = _codes_by_name(get_language() or "en").get(folded(typed))
    if code is None:
        raise UnknownCountryError(UNKNOWN_COUNTRY, name=typed)
    return code


def country_codes(text: str) -> list[str]:
    """
    Return the codes of countries typed as a list, separated by semicolons, new lines or commas.

    Semicolons and new lines come first because some names hold a comma ("Palestine, État de").
    """
    codes: list[str] = []
    for piece in re.split(r"[;\n]", text):
        if not piece.strip():
            continue
        try:
            codes.append(country_code(piece))
        except UnknownCountryError:
            codes.extend(country_code(part) for part in piece.split(",") if part.strip())
    return list(dict.fromkeys(codes))


class CountryInput(forms.TextInput):
    """A text box with a list of every country's name that the browser filters as one types."""

    template_name = "forms/country_input.html"

    def get_context(self, name, value, attrs):  # type: ignore[no-untyped-def]
        context = super().get_context(name, value, attrs)
        context["countries"] = [str(name) for _code, name in countries]
        context["widget"]["attrs"]["list"] = (
            f"{context['widget']['attrs'].get('id', name)}-countries"
        )
        context["widget"]["attrs"].setdefault("autocomplete", "off")
        return context


class CountryField(forms.CharField):
    """One country, typed by name in the reader's language and kept as its ISO code."""

    widget = CountryInput

    def prepare_value(self, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value):
            return country_name(value)
        return value

    def clean(self, value: object) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            return country_code(text)
        except UnknownCountryError as error:
            raise forms.ValidationError(str(error)) from error


class CountryListField(forms.CharField):
    """Several countries, typed by name and separated by semicolons, kept as ISO codes."""

    widget = CountryInput

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return country_names(value)
        return value

    def clean(self, value: object) -> list[str]:
        text = super().clean(value)
        if not text:
            return []
        try:
            return country_codes(text)
        except UnknownCountryError as error:
            raise forms.ValidationError(str(error)) from error
