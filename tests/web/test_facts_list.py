"""``{% facts_rows %}`` writes what the facts card's loop of ``{{ label }}``/``{{ value }}`` wrote."""

import datetime

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

LOOP = (
    "{% for label, value in pairs %}\n"
    "      <div><dt>{{ label }}</dt><dd>{{ value }}</dd></div>{% endfor %}"
)
TAG = "{% load facts_list %}{% facts_rows pairs %}"

PAIRS = [
    ("Threat <level>", "High & rising"),
    (mark_safe("<em>Safe</em>"), mark_safe("<b>kept</b>")),
    ("Age", 42),
    ("Share", 0.5),
    ("Since", datetime.date(2026, 3, 4)),
    ("Seen", datetime.datetime(2026, 3, 4, 5, 6, tzinfo=datetime.UTC)),
    ("Nothing", None),
]


def _render(source: str, language: str, *, autoescape: bool = True) -> str:
    if not autoescape:
        source = "{% autoescape off %}" + source + "{% endautoescape %}"
    with translation.override(language):
        return engines["django"].from_string(source).render({"pairs": PAIRS})


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_rows_are_the_loops(language, autoescape):
    assert _render(TAG, language, autoescape=autoescape) == _render(
        LOOP, language, autoescape=autoescape
    )


def test_no_pairs_no_rows():
    assert engines["django"].from_string(TAG).render({"pairs": []}) == ""
