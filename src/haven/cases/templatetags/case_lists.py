"""
The case page's longest lists written in one pass each (issue 17): ``{% timeline_entries %}`` and
``{% summary_rows %}``.

A ``{% for %}`` over a list's rows pushes a context and updates its ``forloop`` per row, and every
``{{ }}``, ``{% if %}`` and filter in the row resolves its names through the context's stack; for
the timeline and the threats, whose rows are the most numerous on a case page, that was the larger
part of the page's render. Here the rows the lists have most of are written in Python, each value
escaped as ``{{ value }}`` escapes it, so the HTML is the same characters as the loops wrote; the
rarer kinds of timeline entry keep their template (``cases/_timeline_entry.html``).
"""

import html
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from haven.cases.templatetags.case_facts import case_status

register = template.Library()

#: The template of the timeline entries not written here, below their heading.
ENTRY_TEMPLATE = "cases/_timeline_entry.html"


def _shown(value: Any, context: template.Context) -> str:
    """
    ``value`` as ``{{ value }}`` writes it (``render_value_in_context``), a plain string (most
    values here) escaped directly as Django's ``escape`` escapes it.
    """
    written: str = (
        html.escape(value)
        if value.__class__ is str and context.autoescape
        else render_value_in_context(value, context)
    )
    return written


def _flagged(output: Any) -> bool:
    """``{% if output.tension.flag %}``: the engines' tension flag, when the output has one."""
    if not isinstance(output, Mapping):
        return False
    tension = output.get("tension")
    return isinstance(tension, Mapping) and bool(tension.get("flag"))


@register.simple_tag(takes_context=True)
def timeline_entries(
    context: template.Context, entries: Iterable[Mapping[str, Any]], empty: str
) -> SafeString:
    """
    Each timeline entry (``case_page._shown_timeline``'s dictionaries) as an item of the list:
    its kind, time and heading, then notes, threats and assessments written here and the other
    kinds by their template; ``empty`` (translated) when there is none.
    """
    written: list[str] = []
    rest = None
    for entry in entries:
        kind = entry["kind"]
        record = entry["record"]
        written.append(
            f'<li class="card timeline-{conditional_escape(kind)}">\n<span class="muted">'
            f"{conditional_escape(entry['when'])}</span>\n<strong>"
            f"{conditional_escape(entry['heading'])}</strong>"
        )
        if kind == "note":
            author = getattr(record, "author_name", None)
            body = linebreaksbr(record.body, autoescape=True)
            by = f" ({_shown(author, context)})" if author else ""
            written.append(f"\n  {by}\n  <p>{body}</p>\n")
        elif kind == "threat":
            narrative = record.narrative
            told = f"<p>{_shown(narrative, context)}</p>" if narrative else ""
            written.append(f": {_shown(record.summary, context)}\n  {told}\n")
        elif kind == "assessment":
            flag = f" · {conditional_escape(entry['tension'])}" if _flagged(record.output) else ""
            written.append(
                f':\n  <a href="{_shown(record.url, context)}">'
                f"{_shown(record.risk_text, context)}</a>\n  {flag}\n"
            )
        elif kind == "consent" and not record.withdrawn_at and not record.withdrawal:
            # A consent in force (a withdrawn one, rarer, is written by its template).
            details = record.details
            scope = details.get("scope", "") if isinstance(details, Mapping) else ""
            # The template's own text, trusted as ``{% translate %}`` trusts it.
            withdrew = gettext("The defender withdrew this consent")
            withdraw = (
                f'\n  · <a href="{_shown(record.withdraw_url, context)}">{withdrew}</a>'
                if context.get("can_edit")
                else ""
            )
            written.append(
                f": {_shown(record.summary, context)}\n  {withdraw}\n"
                f"  <p>{_shown(scope, context)}</p>\n  \n"
            )
        else:
            if rest is None:
                rest = context.template.engine.get_template(ENTRY_TEMPLATE)  # type: ignore[union-attr]
            with context.push(entry=entry):
                written.append(rest.render(context))
        written.append("</li>")
    if not written:
        return SafeString(f'<li class="muted">{conditional_escape(empty)}</li>')
    return SafeString("".join(written))


@register.simple_tag(takes_context=True)
def summary_rows(
    context: template.Context, rows: Iterable[Any], link_text: str, linked: bool, empty: str
) -> SafeString:
    """
    A record list's items (the case page's threats): each record's summary in words and, when
    ``linked`` (the member may edit), the link to correct it; ``empty`` when there is none.
    """
    if linked:
        link = conditional_escape(link_text)
        written = [
            f"<li>{_shown(row.summary, context)}\n        · "
            f'<a href="{_shown(row.correct_url, context)}">{link}</a></li>\n      '
            for row in rows
        ]
    else:
        written = [f"<li>{_shown(row.summary, context)}</li>\n      " for row in rows]
    if not written:
        return SafeString(f'<li class="muted">{conditional_escape(empty)}</li>')
    return SafeString("".join(written))


@register.simple_tag(takes_context=True)
def fact_sections(
    context: template.Context, sections: Iterable[Mapping[str, Any]], linked: bool, nothing: str
) -> SafeString:
    """
    The facts card's sections (``case_page._fact_sections``): each one's title, its facts as the
    rows of a list or ``nothing`` (translated) when it records none, and
    its edit link when ``linked`` (the member may edit).
    """
    written = []
    for section in sections:
        written.append(f"<div><h3>{_shown(section['title'], context)}</h3>\n    ")
        facts = section["facts"]
        if facts is None:
            written.append(f'<p class="muted">{conditional_escape(nothing)}</p>')
        else:
            written.append('\n    <dl class="facts">')
            # One row a fact, each value as ``{{ value }}`` writes it.
            for label, value in facts:
                written.append(
                    f"\n      <div><dt>{_shown(label, context)}</dt>"
                    f"<dd>{_shown(value, context)}</dd></div>"
                )
            written.append("</dl>")
        if linked:
            written.append(
                f'\n    \n    <a href="{_shown(section["edit_url"], context)}">'
                f"{_shown(section['edit_text'], context)}</a>\n    </div>"
            )
        else:
            written.append("\n    </div>")
    return SafeString("".join(written))


@register.simple_tag(takes_context=True)
def assessment_rows(
    context: template.Context,
    rows: Iterable[Any],
    current: Any,
    when: str,
    engines: str,
    staff: str,
    defender: str,
    views: str,
) -> SafeString:
    """
    The assessment table's rows (``case_page.shown_assessments`` put their link, time and
    labels on them), ``current`` marked; each cell labelled by its column's heading, translated.
    """
    on_return = gettext("on return")
    diverge = gettext("diverge")
    agree = gettext("agree")
    tension_word = gettext("tension")
    views_words = (f'<span class="badge level-high">{diverge}</span>', f"\n      {agree}")
    tension = f' <span class="badge level-critical">{tension_word}</span>'
    headings = [conditional_escape(heading) for heading in (when, engines, staff, defender, views)]
    current_pk = getattr(current, "pk", None) if current is not None else None
    written = []
    for row in rows:
        output = row.output if isinstance(row.output, Mapping) else {}
        returned = (
            f"\n      / {on_return} {_shown(row.return_label, context)}"
            if output.get("risk_on_return")
            else ""
        )
        marked = ' aria-current="true"' if current_pk is not None and row.pk == current_pk else ""
        written.append(
            f"<tr{marked}>\n"
            f'    <td data-label="{headings[0]}"><a href="{_shown(row.url, context)}">'
            f"{_shown(row.when, context)}</a></td>\n"
            f'    <td data-label="{headings[1]}">{_shown(row.risk_label, context)}{returned}</td>\n'
            f'    <td data-label="{headings[2]}">{_shown(row.staff_label, context)}</td>\n'
            f'    <td data-label="{headings[3]}">{_shown(row.defender_label, context)}</td>\n'
            f'    <td data-label="{headings[4]}">{views_words[0 if row.views_diverge else 1]}\n'
            f"      {tension if _flagged(output) else ''}</td></tr>"
        )
    return SafeString("".join(written))


@register.simple_tag(takes_context=True)
def move_items(context: template.Context, moves: Iterable[Any]) -> SafeString:
    """
    The next moves of the lifecycle (``case_page.ShownMove``): each target by its label, whether
    it is possible now or what still blocks it, and the rule it follows.
    """
    move_to = gettext("Move to")
    possible_now = gettext("possible now")
    not_yet = gettext("Not yet, because:")
    rule = gettext("Rule")
    possible = f'<span class="badge level-low">{possible_now}</span>\n    '
    written = []
    for option in moves:
        if option.allowed:
            state = possible
        else:
            reasons = "".join(
                f"<li>{_shown(reason, context)}</li>\n      " for reason in option.blocked_by
            )
            state = f'<br>{not_yet}<ul class="muted">{reasons}</ul>'
        written.append(
            f"\n  <li>{move_to} <strong>{_shown(case_status(option.target.value), context)}"
            f"</strong>\n    {state}\n"
            f'    <br><span class="muted">{rule}: {_shown(option.rule, context)}</span></li>\n'
        )
    return SafeString("".join(written))
