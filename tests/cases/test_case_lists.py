"""
``{% timeline_entries %}``, ``{% summary_rows %}`` and ``{% fact_sections %}``
(haven.cases.templatetags.case_lists) write the same characters as the template loops they replace
(issue 17), for every kind of timeline entry, with and without the right to edit, in a
left-to-right and a right-to-left language.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

#: The case page's timeline loop as it was before ``{% timeline_entries %}`` wrote it.
OLD_TIMELINE = '{% load i18n haven_i18n case_facts %}\n{% for entry in timeline %}<li class="card timeline-{{ entry.kind }}">\n<span class="muted">{{ entry.when }}</span>\n<strong>{{ entry.heading }}</strong>{% if entry.kind == "note" %}\n  {% if entry.record.author_name %} ({{ entry.record.author_name }}){% endif %}\n  <p>{{ entry.record.body|linebreaksbr }}</p>\n{% elif entry.kind == "threat" %}: {{ entry.record.summary }}\n  {% if entry.record.narrative %}<p>{{ entry.record.narrative }}</p>{% endif %}\n{% elif entry.kind == "assessment" %}:\n  <a href="{{ entry.record.url }}">{{ entry.record.risk_text }}</a>\n  {% if entry.record.output.tension.flag %} · {{ entry.tension }}{% endif %}\n{% elif entry.kind == "decision" %}:\n  <a href="{{ entry.record.assessment_url }}">{{ entry.record.decision_text }}</a>\n  <p>{{ entry.record.reasons|linebreaksbr }}</p>\n{% elif entry.kind == "correction" %}: {{ entry.record.get_record_kind_display }}\n  <p>{{ entry.record.reason }}</p>\n  {% include "cases/_record_before.html" with kind=entry.record.record_kind before=entry.record.previous %}\n{% elif entry.kind == "status" %}: {{ entry.record.get_from_status_display }} → {{ entry.record.get_to_status_display }}\n  {% if entry.record.reason %}<p>{{ entry.record.reason }}</p>{% endif %}\n{% elif entry.kind == "consent" %}{% with consent=entry.record %}: {{ consent.summary }}\n  {% if consent.withdrawn_at %} · <em>{% blocktranslate with when=consent.withdrawn_at|date:"DATE_FORMAT" %}withdrawn {{ when }}{% endblocktranslate %}</em>\n  {% elif can_edit %}\n  · <a href="{{ consent.withdraw_url }}">{% translate "The defender withdrew this consent" %}</a>{% endif %}\n  <p>{{ consent.details.scope }}</p>\n  {% if consent.withdrawal %}<dl class="facts">\n    <div><dt>{% translate "Why it was withdrawn" %}</dt><dd>{{ consent.withdrawal.reason }}</dd></div>\n    <div><dt>{% translate "How the defender told us" %}</dt><dd>{{ consent.withdrawal.method|consent_method }}</dd></div>\n    <div><dt>{% translate "In" %}</dt><dd>{{ consent.withdrawal.language|language_name }}</dd></div>\n    {% if consent.withdrawn_by %}<div><dt>{% translate "Recorded by" %}</dt><dd>{{ consent.withdrawn_by.username }}</dd></div>{% endif %}\n  </dl>{% endif %}{% endwith %}\n{% elif entry.kind == "prosecution" %}: {{ entry.record.summary }}\n{% elif entry.kind == "dependant" %}: {{ entry.record.details.relation|term|default:"—" }}\n{% elif entry.kind == "attachment" %}:\n  <a href="{{ entry.record.url }}">{{ entry.record.name }}</a> ({{ entry.record.size|filesizeformat }})\n{% endif %}</li>{% empty %}<li class="muted">{% translate "Nothing recorded yet." %}</li>{% endfor %}\n'

#: The threats' loop of the case page as it was.
OLD_THREATS = (
    '{% load i18n haven_i18n %}{% translate "Correct" as correct %}'
    "<ul>{% for threat in records %}<li>{{ threat.summary }}{% if can_edit %}\n"
    '        · <a href="{{ threat.correct_url }}">{{ correct }}</a>{% endif %}</li>\n'
    '      {% empty %}<li class="muted">{% translate "Nothing recorded yet." %}</li>{% endfor %}</ul>'
)
NEW_THREATS = (
    '{% load i18n haven_i18n case_lists %}{% translate "Correct" as correct %}'
    '<ul>{% translate "Nothing recorded yet." as nothing_yet %}'
    "{% summary_rows records correct can_edit nothing_yet %}</ul>"
)

#: The facts card's loop of the case page as it was.
OLD_SECTIONS = (
    "{% load i18n haven_i18n %}"
    "  {% for section in fact_sections %}<div><h3>{{ section.title }}</h3>\n"
    '    {% if section.facts is None %}<p class="muted">{% translate "Nothing recorded." %}</p>'
    "{% else %}\n"
    '    <dl class="facts">{% for label, value in section.facts %}\n'
    "      <div><dt>{{ label }}</dt><dd>{{ value }}</dd></div>{% endfor %}</dl>{% endif %}\n"
    "    {% if can_edit %}\n"
    '    <a href="{{ section.edit_url }}">{{ section.edit_text }}</a>\n'
    "    {% endif %}</div>{% endfor %}"
)
NEW_SECTIONS = (
    "{% load i18n haven_i18n case_lists %}"
    '  {% translate "Nothing recorded." as nothing %}'
    "{% fact_sections fact_sections can_edit nothing %}"
)

#: The assessment table as it was before ``{% assessment_rows %}`` wrote its rows.
OLD_ASSESSMENT_TABLE = '{% load i18n haven_i18n %}<table class="stack">\n  {% translate "When" as when_heading %}{% translate "Engines" as engines_heading %}{% translate "Staff" as staff_heading %}\n  {% translate "Defender" as defender_heading %}{% translate "Views" as views_heading %}\n  <thead><tr><th scope="col">{{ when_heading }}</th><th scope="col">{{ engines_heading }}</th><th scope="col">{{ staff_heading }}</th>\n    <th scope="col">{{ defender_heading }}</th><th scope="col">{{ views_heading }}</th></tr></thead>\n  <tbody>\n  {% for row in rows %}<tr{% if row.pk == current.pk %} aria-current="true"{% endif %}>\n    <td data-label="{{ when_heading }}"><a href="{{ row.url }}">{{ row.when }}</a></td>\n    <td data-label="{{ engines_heading }}">{{ row.risk_label }}{% if row.output.risk_on_return %}\n      / {% translate "on return" %} {{ row.return_label }}{% endif %}</td>\n    <td data-label="{{ staff_heading }}">{{ row.staff_label }}</td>\n    <td data-label="{{ defender_heading }}">{{ row.defender_label }}</td>\n    <td data-label="{{ views_heading }}">{% if row.views_diverge %}<span class="badge level-high">{% translate "diverge" %}</span>{% else %}\n      {% translate "agree" %}{% endif %}\n      {% if row.output.tension.flag %} <span class="badge level-critical">{% translate "tension" %}</span>{% endif %}</td></tr>{% endfor %}\n  </tbody>\n</table>\n'

#: The next moves as they were before ``{% move_items %}`` wrote them.
OLD_MOVES = '{% load i18n haven_i18n case_facts %}<ul class="moves">{% for option in moves %}\n  <li>{% translate "Move to" %} <strong>{{ option.target.value|case_status }}</strong>\n    {% if option.allowed %}<span class="badge level-low">{% translate "possible now" %}</span>\n    {% else %}<br>{% translate "Not yet, because:" %}<ul class="muted">{% for reason in option.blocked_by %}<li>{{ reason }}</li>\n      {% endfor %}</ul>{% endif %}\n    <br><span class="muted">{% translate "Rule" %}: {{ option.rule }}</span></li>\n{% endfor %}</ul>\n'

WHEN = datetime.datetime(2026, 3, 4, 5, 6, tzinfo=datetime.UTC)


def _record(**values):
    return SimpleNamespace(**values)


def _entry(kind, record, heading):
    return {
        "kind": kind,
        "record": record,
        "when": "Mar. 4, 2026 <5:06>",
        "heading": conditional_escape(heading),
        "tension": conditional_escape("tension flagged"),
    }


def _entries():
    consent = {
        "summary": "Processing · Jan. 5 & after",
        "withdraw_url": "/cases/consents/1/withdraw/",
        "details": {"scope": "protection <only>"},
    }
    withdrawal = {"reason": "moved <away>", "method": "oral", "language": "fr"}
    return [
        _entry("note", _record(author_name="ana<b>", body="Line one\nline <two> & three"), "Note"),
        _entry("note", _record(body="No author"), "Note"),
        _entry("note", _record(author_name="", body=""), "Note"),
        _entry("threat", _record(summary="Surveillance · Police", narrative="A car <out>"), "T"),
        _entry("threat", _record(summary="Smear", narrative=""), "Threat"),
        _entry(
            "assessment",
            _record(url="/a/1/", risk_text="risk High", output={"tension": {"flag": True}}),
            "A",
        ),
        _entry(
            "assessment",
            _record(url="/a/2/", risk_text="risk <Low>", output={"tension": {"flag": False}}),
            "A",
        ),
        _entry("assessment", _record(url="/a/3/", risk_text="risk Low", output=None), "A"),
        _entry("assessment", _record(url="/a/4/", risk_text="risk", output={"risk": {}}), "A"),
        _entry("consent", _record(withdrawn_at=None, withdrawal=None, **consent), "Consent"),
        _entry(
            "consent",
            _record(
                withdrawn_at=None, withdrawal=None, summary="S", withdraw_url="/w/", details={}
            ),
            "Consent",
        ),
        _entry(
            "consent",
            _record(
                withdrawn_at=WHEN,
                withdrawn_by=_record(username="lee"),
                withdrawal=withdrawal,
                **consent,
            ),
            "Consent",
        ),
        _entry(
            "decision",
            _record(
                assessment_url="/a/1/",
                decision_text="risk High (advised Low)",
                reasons="Because\nof <this>",
            ),
            "Staff decision",
        ),
        _entry(
            "status",
            _record(
                get_from_status_display="Intake", get_to_status_display="Screening", reason="ok"
            ),
            "Status",
        ),
        _entry(
            "status",
            _record(get_from_status_display="Intake", get_to_status_display="Closed", reason=""),
            "Status",
        ),
        _entry("prosecution", _record(summary="Defamation · trial"), "Prosecution"),
        _entry("dependant", _record(details={"relation": "child"}), "Dependant"),
        _entry("dependant", _record(details={}), "Dependant"),
        _entry("attachment", _record(url="/f/1/", name="scan <1>.pdf", size=123456), "File"),
        _entry(
            "correction",
            _record(
                get_record_kind_display="Threat",
                reason="typo",
                record_kind="threat",
                previous={"details": {"kind": "smear"}, "narrative": "before"},
            ),
            "Correction",
        ),
    ]


def _render(source, language, context):
    with translation.override(language):
        return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("can_edit", [True, False])
def test_the_timeline_is_the_loops(language, can_edit):
    context = {"timeline": _entries(), "can_edit": can_edit}
    new = _render('{% include "cases/_timeline.html" %}', language, context)
    assert new == _render(OLD_TIMELINE, language, context)
    assert "line &lt;two&gt; &amp; three" in new


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_empty_timeline_is_the_loops(language):
    context = {"timeline": [], "can_edit": True}
    new = _render('{% include "cases/_timeline.html" %}', language, context)
    assert new == _render(OLD_TIMELINE, language, context)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_threats_are_the_loops(language, can_edit, count):
    records = [
        _record(summary=f"Threat <{index}> & co", correct_url=f"/c/{index}/?a=1&b=2")
        for index in range(count)
    ]
    context = {"records": records, "can_edit": can_edit}
    assert _render(NEW_THREATS, language, context) == _render(OLD_THREATS, language, context)


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
@pytest.mark.parametrize("can_edit", [True, False])
def test_the_fact_sections_are_the_loops(language, can_edit):
    facts = [
        ("Age", 42),
        ("Since", datetime.date(2026, 3, 4)),
        ("Seen", datetime.datetime(2026, 3, 4, 5, 6, tzinfo=datetime.UTC)),
        ("A & b", "x < y"),
        (mark_safe("<em>Safe</em>"), mark_safe("<b>kept</b>")),
        ("Share", 0.5),
        ("Nothing", None),
    ]
    sections = [
        {
            "title": "Defender <profile>",
            "facts": facts,
            "edit_url": "/e/a/?x=1&y=2",
            "edit_text": "Edit: <a>",
        },
        {"title": "Empty", "facts": None, "edit_url": "/e/b/", "edit_text": "Edit: b"},
        {"title": "None listed", "facts": [], "edit_url": "/e/c/", "edit_text": "Edit: c"},
    ]
    context = {"fact_sections": sections, "can_edit": can_edit}
    assert _render(NEW_SECTIONS, language, context) == _render(OLD_SECTIONS, language, context)


def _assessment(pk, output, *, diverge):
    return _record(
        pk=pk,
        output=output,
        url=f"/cases/assessments/{pk}/?a=1&b=2",
        when="Dec. 1, 2026, <7:02> a.m.",
        risk_label="High",
        return_label="Very <high>",
        staff_label="Critical",
        defender_label="—",
        views_diverge=diverge,
    )


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
@pytest.mark.parametrize("current", [None, 2])
def test_the_assessment_rows_are_the_loops(language, current):
    rows = [
        _assessment(
            1, {"risk_on_return": {"level": "high"}, "tension": {"flag": True}}, diverge=True
        ),
        _assessment(2, {"risk_on_return": None, "tension": {"flag": False}}, diverge=False),
        _assessment(3, None, diverge=False),
        _assessment(4, {}, diverge=True),
    ]
    context = {"rows": rows}
    if current is not None:
        context["current"] = rows[current - 1]
    new = _render('{% include "cases/_assessment_table.html" %}', language, context)
    assert new == _render(OLD_ASSESSMENT_TABLE, language, context)
    assert ('aria-current="true"' in new) == (current is not None)


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_moves_are_the_loops(language, count):
    options = [
        _record(
            target=_record(value="screening"),
            allowed=True,
            blocked_by=(),
            rule="Consent <rule> & more",
        ),
        _record(
            target=_record(value="closed"),
            allowed=False,
            blocked_by=("the reason <is> recorded", "a second & last"),
            rule="Haven case lifecycle",
        ),
        _record(target=_record(value="not-a-status"), allowed=False, blocked_by=(), rule=""),
    ][:count]
    context = {"moves": options}
    new = _render('{% include "cases/_moves.html" %}', language, context)
    assert new == _render(OLD_MOVES, language, context)
