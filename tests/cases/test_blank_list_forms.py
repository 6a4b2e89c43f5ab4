"""
The case list's unbound filter and search forms are written once per language and process
(``listing.blank_fields``): the markup must be what the template's include writes, in each
language, and a page with filters set must show them.
"""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from haven.cases import forms, listing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
@pytest.mark.parametrize("form_class", [forms.ListFilterForm, forms.SearchForm])
def test_the_blank_markup_is_the_includes_in_each_language(form_class, language):
    with translation.override(language):
        written = render_to_string("forms/fields.html", {"form": form_class()})
        assert listing.blank_fields(form_class) == written
        assert listing.blank_fields(form_class) == written  # and again, from the cache


def test_a_filtered_list_shows_its_filters(caseworker, sign_in_as):
    client = sign_in_as(caseworker)

    plain = client.get(reverse("cases:list")).content.decode()
    filtered = client.get(
        reverse("cases:list"), {"urgency": "emergency", "mine": "on"}
    ).content.decode()

    assert 'value="emergency" selected' not in plain
    assert 'value="emergency" selected' in filtered
    assert 'name="mine" id="id_mine" checked' in filtered
    assert 'name="mine" id="id_mine" checked' not in plain
