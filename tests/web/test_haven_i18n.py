"""
``{% load i18n haven_i18n %}``: a literal ``{% translate %}`` and a ``{% blocktranslate %}`` render
what Django's tags render, in every language and form, and ``makemessages`` still extracts their
messages.
"""

import datetime

import pytest
from django.template import engines
from django.templatetags import i18n
from django.utils import translation
from django.utils.translation.template import templatize

from haven.web.templatetags.haven_i18n import LiteralTranslateNode, SentenceNode, active_catalogue

TAGS = [
    '{% translate "Threats" %}',
    "{% trans 'Log out' %}",
    '{% translate "Correct" as correct %}[{{ correct }}]',
    '{% translate "Correct" as correct %}{% if correct %}{{ correct|upper }}{% endif %}',
    '{% translate "100% sure" %}',
    '{% translate "Nothing recorded yet." %}{% translate "Not in any catalogue <b>" %}',
    '{% translate "Threats" noop %}',
    '{% translate "May" context "month name" %}',
    '{% translate "Threats"|upper %}',
    "{% translate label %}",
    "{% translate label as shown %}<{{ shown }}>",
    "{% autoescape off %}{% translate label %}{% translate 'Log out' %}{% endautoescape %}",
    '{% translate "Log out" %}{% language "es" %}{% translate "Log out" %}{% endlanguage %}'
    '{% translate "Log out" %}',
    '{% language "ar" %}{% translate "Log out" %}{% language "fr" %}{% translate "Log out" %}'
    '{% endlanguage %}{% translate "Log out" %}{% endlanguage %}{% translate "Log out" %}',
    '{% translate "Line one\r\nline two" %}',
    '{% blocktranslate with code="HV-1" %}Case {{ code }}{% endblocktranslate %}',
    "{% blocktranslate with code=label %}the defender in {{ code }}{% endblocktranslate %}",
    "{% blocktranslate with code=label asvar sentence %}Case {{ code }}{% endblocktranslate %}"
    "<{{ sentence }}>",
    '{% blocktranslate with when=day|date:"DATE_FORMAT" %}withdrawn {{ when }}{% endblocktranslate %}',
    "{% blocktranslate with version=few %}Host-state rules, version {{ version }}.{% endblocktranslate %}",
    "{% blocktranslate trimmed count days=few %}\n  {{ days }} day left{% plural %}{{ days }} days left"
    "\n{% endblocktranslate %}",
    "{% blocktranslate count days=one %}{{ days }} day left{% plural %}{{ days }} days left"
    "{% endblocktranslate %}",
    "{% blocktranslate %}100% {{ label }}, not in any catalogue{% endblocktranslate %}",
    "{% blocktranslate %}{{ missing }} is missing{% endblocktranslate %}",
    "{% blocktrans with code=label %}Case {{ code }}{% endblocktrans %}",
    '{% blocktranslate context "month name" with code=label %}Case {{ code }}{% endblocktranslate %}',
    "{% autoescape off %}{% blocktranslate with code=label %}Case {{ code }}{% endblocktranslate %}"
    "{% endautoescape %}",
    '{% blocktranslate with code="X" %}Case {{ code }}{% endblocktranslate %}{% language "fr" %}'
    '{% blocktranslate with code="X" %}Case {{ code }}{% endblocktranslate %}{% endlanguage %}'
    '{% blocktranslate with code="X" %}Case {{ code }}{% endblocktranslate %}',
]


def _render(source: str, language: str) -> str:
    with translation.override(language):
        template = engines["django"].from_string(source)
        return template.render(
            {"label": "Threats <i>", "few": 12, "one": 1, "day": datetime.date(2026, 3, 4)}
        )


@pytest.mark.parametrize("language", ["en", "ar", "es", "fr"])
@pytest.mark.parametrize("tag", TAGS)
def test_renders_what_djangos_tag_renders(tag, language):
    django_text = _render("{% load i18n %}" + tag, language)

    assert _render("{% load i18n haven_i18n %}" + tag, language) == django_text


def test_a_literal_is_translated_in_the_active_language():
    assert _render('{% load i18n haven_i18n %}{% translate "Log out" %}', "es") == "Cerrar sesión"
    assert _render('{% load i18n haven_i18n %}{% translate "Log out" %}', "en") == "Log out"


def test_only_a_plain_literal_gets_the_direct_node():
    def nodes(source: str) -> list[type]:
        template = engines["django"].from_string("{% load i18n haven_i18n %}" + source)
        return [
            type(node) for node in template.template.nodelist if type(node).__name__ != "LoadNode"
        ]

    assert nodes('{% translate "Threats" as title %}') == [LiteralTranslateNode]
    assert nodes("{% translate label %}") == [i18n.TranslateNode]
    assert nodes('{% translate "May" context "month" %}') == [i18n.TranslateNode]
    assert nodes('{% translate "Threats" noop %}') == [i18n.TranslateNode]
    assert nodes('{% translate "Threats"|upper %}') == [i18n.TranslateNode]
    assert nodes("{% blocktranslate with code=label %}Case {{ code }}{% endblocktranslate %}") == [
        SentenceNode
    ]
    assert nodes(
        '{% blocktranslate context "x" with code=label %}Case {{ code }}{% endblocktranslate %}'
    ) == [i18n.BlockTranslateNode]


def test_makemessages_still_extracts_the_message():
    extracted = templatize('{% load i18n haven_i18n %}{% translate "A literal, 100% ours" %}')

    assert "gettext(u'A literal, 100%% ours')" in extracted


def test_makemessages_still_extracts_a_sentence():
    extracted = templatize(
        "{% load i18n haven_i18n %}"
        "{% blocktranslate with code=label %}Case {{ code }}{% endblocktranslate %}"
    )

    assert "gettext(u'Case %(code)s')" in extracted


def test_a_sentences_numbers_are_in_the_readers_digits():
    source = (
        "{% load i18n haven_i18n %}"
        "{% blocktranslate with version=few %}Host-state rules, version {{ version }}.{% endblocktranslate %}"
    )

    assert "١٢" in _render(source, "ar")


def test_the_catalogue_is_the_one_gettext_asks():
    """Django keeps the active translation in a private local: if that moves, this fails."""
    message = "Log out"
    translation.deactivate()
    assert active_catalogue().gettext(message) == translation.gettext(message)
    for language in ("es", "ar", "fr", "en"):
        with translation.override(language):
            assert active_catalogue().gettext(message) == translation.gettext(message)
    translation.deactivate_all()
    try:
        assert active_catalogue().gettext(message) == translation.gettext(message) == message
    finally:
        translation.deactivate()


def test_a_language_block_speaks_its_own_language():
    source = (
        '{% load i18n haven_i18n %}{% translate "Log out" %}|'
        '{% language "es" %}{% translate "Log out" %}{% endlanguage %}|{% translate "Log out" %}'
    )

    assert _render(source, "fr").split("|") == ["Se déconnecter", "Cerrar sesión", "Se déconnecter"]
