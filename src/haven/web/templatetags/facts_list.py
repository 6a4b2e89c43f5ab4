"""
``{% facts_rows pairs %}``: the rows of a ``<dl class="facts">``, one ``<div><dt>…</dt><dd>…</dd></div>``
a (label, value) pair, each value written exactly as ``{{ value }}`` writes it.

The case page's facts card lists some twenty pairs, about forty values (issue 17): a ``{% for %}``
pushes a context and updates its ``forloop`` for every pair, and a variable node resolves each
name through the context's stack; together a good share of the page's render. Here the pairs are
written in one pass, through the same ``render_value_in_context`` (local time, localisation,
escaping) as a variable node, so the HTML is the same.
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def facts_rows(context: template.Context, pairs: Iterable[tuple[Any, Any]]) -> SafeString:
    """Each pair as a row of the list, on a line of its own indented as the facts card writes it."""
    rows = [
        "\n      <div><dt>"
        + render_value_in_context(label, context)
        + "</dt><dd>"
        + render_value_in_context(value, context)
        + "</dd></div>"
        for label, value in pairs
    ]
    return SafeString("".join(rows))
