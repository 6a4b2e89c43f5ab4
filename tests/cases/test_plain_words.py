"""
Pages speak in words, not identifiers (issue 15): every schema term has a translated label,
countries are named and typed in the reader's language, and facts are shown as people read them.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from haven.audit.events import EventType
from haven.cases.countries import UnknownCountryError, country_code, country_codes, country_name
from haven.cases.templatetags.case_facts import fact_value
from haven.cases.vocabulary import TERMS, in_words, term
from haven.reference import schema
from haven.web.audit_labels import EVENT_LABELS


def _identifiers(node: Any, *, names: bool) -> Iterator[str]:
    if isinstance(node, dict):
        for key, child in node.items():
            if key == "enum":
                yield from (value for value in child if isinstance(value, str))
            if key == "properties" and names:
                yield from child
            yield from _identifiers(child, names=names)
    elif isinstance(node, list):
        for child in node:
            yield from _identifiers(child, names=names)


@pytest.mark.parametrize("name, names", [("case-facts", True), ("assessment", False)])
def test_every_schema_term_has_a_label(name, names):
    """A fact or a finding the engines use can always be shown in words."""
    missing = set(_identifiers(schema(name), names=names)) - set(TERMS) - {"schema"}

    assert not missing


def test_every_audit_event_has_a_label():
    assert set(EVENT_LABELS) == set(EventType)


@pytest.mark.parametrize(
    "language, identifier, label",
    [
        ("es", "treason_espionage", "Traición o espionaje"),
        ("fr", "any_hrd", "Tout défenseur des droits humains"),
        ("ar", "high", "مرتفع"),
    ],
)
def test_labels_follow_the_readers_language(language, identifier, label):
    with translation.override(language):
        assert term(identifier) == label


@pytest.mark.parametrize(
    "language, typed, code",
    [
        ("es", "costa de marfil", "CI"),
        ("fr", "Cote d'Ivoire", "CI"),
        ("ar", "كولومبيا", "CO"),
        ("es", "Colombia", "CO"),
        ("en", "co", "CO"),
    ],
)
def test_a_country_is_typed_by_name_without_accents_or_capitals(language, typed, code):
    with translation.override(language):
        assert country_code(typed) == code


def test_names_with_commas_survive_in_a_list():
    """Semicolons separate countries because some names hold a comma."""
    with translation.override("fr"):
        assert country_codes("Palestine, État de; Colombie") == ["PS", "CO"]
        assert country_codes("Colombie, Pérou") == ["CO", "PE"]


def test_an_unknown_country_is_named_in_the_refusal():
    with pytest.raises(UnknownCountryError) as refused:
        country_code("Atlantis")

    assert "Atlantis" in str(refused.value)


def test_a_country_is_named_in_each_readers_language_however_often_it_is_asked():
    """The names are kept per language: a name asked in one language never answers another."""
    for _ in range(2):
        with translation.override("es"):
            assert country_name("DE") == "Alemania"
        with translation.override("fr"):
            assert country_name("DE") == "Allemagne"
        with translation.override("en"):
            assert country_name("DE") == "Germany"
            assert country_name("deu") == "Germany"
            assert country_name("XX") == "XX"
            assert country_name(None) == ""


def test_facts_read_as_words_numbers_and_names():
    with translation.override("es"):
        assert fact_value("CO", "current_country") == "Colombia"
        assert fact_value(["CO", "VE"], "nationalities") == "Colombia; Venezuela"
        assert fact_value(True) == "Sí"
        assert fact_value(None) == "No se sabe"
        assert fact_value(6.0) == "6"
        assert fact_value("warrant") == "Orden de detención"


def test_engine_reasons_name_facts_in_words():
    assert (
        in_words("undue_hardship is not recorded")
        == "Relocating would be unduly harsh is not recorded"
    )
    assert "_" not in in_words("eligible_profiles excludes shelter_city_nl")
