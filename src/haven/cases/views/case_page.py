"""
The case page, revealing the identity, settings, status moves and assignment.
"""

import functools
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts import reading
from haven.accounts.access import requires, requires_recent_second_factor
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.shortcuts import refusal_shown
from haven.audit.services import appends_riding
from haven.cases import forms, selectors, services
from haven.cases.addresses import around_row, reversing, row_url
from haven.cases.models import CASE_STATUS_LABELS, Case, CaseStatus, Urgency
from haven.cases.panels import panels_for
from haven.cases.reading import one_reading
from haven.cases.requirements import REQUIREMENT_LABELS, RULE_SOURCE_LABELS, unmet_labels
from haven.cases.selectors.case import case_by_break_glass
from haven.cases.services.lifecycle import MOVE_NOT_FOR_ROLE
from haven.cases.templatetags.case_facts import (
    consent_method,
    consent_purpose,
    fact_value,
    language_name,
    terms,
)
from haven.cases.views.common import _case_url, routes
from haven.cases.vocabulary import term
from haven.domain.lifecycle import CASE_MACHINE, Requirement
from haven.domain.lifecycle import CaseStatus as Lifecycle
from haven.organisations.models import Membership, Role
from haven.organisations.policy import Permission, may


@dataclass(frozen=True)
class ShownMove:
    """A next status as the case page lists it: its target, and what still blocks it, in words."""

    target: Lifecycle
    blocked_by: tuple[str, ...]
    rule: str

    @property
    def allowed(self) -> bool:
        return not self.blocked_by


def _shown_move(option: Any, membership: Membership, satisfied: Collection[str]) -> ShownMove:
    """
    One move of the machine in the reader's language: the machine's own reasons are English
    with status codes, so the role that may not make it and each unmet requirement are named
    here by their labels, as a refused move names them (``services.lifecycle``).
    """
    transition = option.transition
    statuses = {
        "source": CASE_STATUS_LABELS[transition.source],
        "target": CASE_STATUS_LABELS[transition.target],
    }
    reasons = [] if membership.role in transition.roles else [str(MOVE_NOT_FOR_ROLE % statuses)]
    reasons.extend(str(label) for label in unmet_labels(transition, satisfied))
    return ShownMove(
        target=transition.target,
        blocked_by=tuple(reasons),
        rule=str(RULE_SOURCE_LABELS[transition.rule_source]),
    )


def _next_moves(
    case: Case, membership: Membership, records: Any = None
) -> tuple[list[Any], set[str]]:
    """The lifecycle's options for the member from the case's status, and what is already met."""
    derived = services.derived_requirements(case, records=records)
    options = CASE_MACHINE.options(Lifecycle(case.status), role=membership.role, satisfied=derived)
    return [option for option in options if option.target != Lifecycle.ERASED], derived


def _shown_moves(case: Case, membership: Membership, records: Any = None) -> list[ShownMove]:
    """The next moves with what blocks them (erasure has its own screen, never a move here)."""
    options, derived = _next_moves(case, membership, records)
    return [_shown_move(option, membership, derived) for option in options]


def _requirements_to_confirm(
    case: Case, membership: Membership
) -> tuple[list[ShownMove], list[tuple[str, str]]]:
    """The next moves with what blocks them, and the requirements a member may attest."""
    options, derived = _next_moves(case, membership)
    attestable: dict[str, str] = {}
    for option in options:
        for requirement in option.transition.requirements:
            if requirement.value not in services.derived_requirement_names():
                attestable[requirement.value] = str(REQUIREMENT_LABELS[Requirement(requirement)])
    moves = [_shown_move(option, membership, derived) for option in options]
    return moves, sorted(attestable.items())


#: Titles and buttons of the forms that open on their own page (issue 17: the case page renders
#: no form for an action that is rarely taken, only a link to it).
SETTINGS_TITLE = gettext_lazy("Change the urgency or the deadline")
SETTINGS_BUTTON = gettext_lazy("Save urgency and due date")
MOVE_TITLE = gettext_lazy("Move the case")


#: The links of the case page to the case's other pages, by the name the template uses.
CASE_LINKS = {
    "reveal": "cases:reveal",
    "settings": "cases:settings",
    "transition": "cases:transition",
    "erasure_request": "cases:erasure_request",
    "assign": "cases:assign",
    "unassign": "cases:unassign",
    "threat_add": "cases:threat_add",
    "prosecution_add": "cases:prosecution_add",
    "dependant_add": "cases:dependant_add",
    "consent_add": "cases:consent_add",
    "assessment_new": "cases:assessment_new",
    "attachment_add": "cases:attachment_add",
    "note_add": "cases:note_add",
    "timeline": "cases:timeline",
    "applications": "programmes:case_applications",
    "counsel": "counsel:case",
}


@functools.cache
def _case_link_parts(prefix: str, urlconf: Any) -> tuple[tuple[str, str, str], ...]:
    """Each of ``CASE_LINKS`` as its key and what comes before and after the case's id, worked out
    once per process (and per script prefix and URL configuration, as ``addresses.around_row``)."""
    return tuple(
        (key, *around_row(name, "case_id", (), prefix, urlconf)) for key, name in CASE_LINKS.items()
    )


def _case_links(case: Case) -> dict[str, str]:
    """
    Every link of the case page to the case's other pages (no URL reversed per request): the
    script prefix, the URL configuration and the case's id are each asked once for all of them,
    not once per link.
    """
    case_id = str(case.pk)
    parts = _case_link_parts(*reversing())
    return {key: f"{before}{case_id}{after}" for key, before, after in parts}


class _Labels:
    """
    The labels of one page, each identifier translated once: a case's threats repeat the same
    kinds and actors, and every row of the page once went through the ``term`` filter anew.
    """

    def __init__(self) -> None:
        self.known: dict[Any, str] = {}

    def __call__(self, identifier: Any) -> str:
        if identifier not in self.known:
            self.known[identifier] = term(identifier)
        return self.known[identifier]


def _summary(*parts: str) -> str:
    """One line of a record list: the parts it has, joined as the page joins them."""
    return " · ".join(part for part in parts if part)


def _precompute_summaries(records: Any) -> None:
    """
    Put each record's one-line summary on it, in words, as the record lists and the timeline show
    it (the page renders plain strings rather than running filters on every row of every list).
    """
    label = _Labels()
    for threat in records.threats:
        details = threat.details or {}
        date = details.get("date")
        threat.summary = _summary(
            label(details.get("kind")),
            label(details.get("actor")) if details.get("actor") else "",
            fact_value(date, "date") if date else "",
        )
    for prosecution in records.prosecutions:
        details = prosecution.details or {}
        prosecution.summary = _summary(
            label(details.get("charge")),
            label(details.get("stage")) if details.get("stage") else "",
        )
    for consent in records.consents:
        details = consent.details or {}
        consent.summary = _summary(
            consent_purpose(details.get("purpose")),
            fact_value(details.get("given_on"), "given_on"),
        )
        consent.manner = _summary(
            consent_method(details.get("method")) if details.get("method") else "",
            language_name(details.get("language")) if details.get("language") else "",
        )


def _fact_sections(case: Case, facts: dict[str, Any], *, can_edit: bool) -> list[dict[str, Any]]:
    """
    The facts card, section by section, in words: each section's facts as (label, value) pairs,
    or None when it records nothing (the exposure section always lists its two facts), and the
    link to edit it, its words translated once here rather than by a sentence tag per section.
    """
    sections = []
    reversed_under = reversing()
    for key, title in forms.FACTS_SECTIONS.items():
        shown: list[tuple[str, str]] | None
        if key == "exposure":
            shown = [
                (_("Vulnerabilities"), terms(facts.get("vulnerabilities")) or "—"),
                (_("Capacities"), terms(facts.get("capacities")) or "—"),
            ]
        else:
            section = facts.get(key)
            shown = (
                [
                    (term(name), fact_value(value, name))
                    for name, value in section.items()
                    if name != "dependants"
                ]
                if section
                else None
            )
        heading = str(title)
        section_shown: dict[str, Any] = {"key": key, "title": heading, "facts": shown}
        if can_edit:
            section_shown["edit_url"] = row_url(
                "cases:facts_section", "case_id", reversed_under=reversed_under, section=key
            )(case.pk)
            section_shown["edit_text"] = _("Edit: %(section)s") % {"section": heading}
        sections.append(section_shown)
    return sections


def shown_assessments(rows: Iterable[Any]) -> None:
    """
    Put on each assessment its link, its time and its risk levels in words, as the assessment
    table and the case's summary show them: worked out once here rather than by a URL reversal
    and a filter per row and per place. Only the rows shown: each one's output is decrypted.
    """
    label = _Labels()
    url = row_url("cases:assessment", "assessment_id")
    for row in rows:
        output = row.output or {}
        row.url = url(row.pk)
        row.when = reading.date(timezone.localtime(row.recorded_at), "DATETIME_FORMAT")
        row.risk_label = label((output.get("risk") or {}).get("level"))
        on_return = output.get("risk_on_return")
        row.return_label = label(on_return.get("level")) if on_return else ""
        row.staff_label = label(row.staff_risk_level)
        row.defender_label = label(row.defender_risk_level) or "—"


def _precompute_rows(records: Any) -> None:
    """
    Put each record's summary and links on it (correct, withdraw, open), so the page reverses no
    URL and runs no filter chain per row.
    """
    _precompute_summaries(records)
    reversed_under = reversing()
    for kind in ("threat", "prosecution", "dependant", "consent"):
        correct = row_url(
            "cases:record_correct", "record_id", reversed_under=reversed_under, kind=kind
        )
        for record in getattr(records, f"{kind}s"):
            record.correct_url = correct(record.pk)
    withdraw = row_url("cases:consent_withdraw", "consent_id", reversed_under=reversed_under)
    for consent in records.consents:
        consent.withdraw_url = withdraw(consent.pk)
    assessment = row_url("cases:assessment", "assessment_id", reversed_under=reversed_under)
    for row in records.assessments:
        row.url = assessment(row.pk)
    for decision in records.decisions:
        decision.assessment_url = assessment(decision.assessment_id)
    attachment = row_url("cases:attachment", "attachment_id", reversed_under=reversed_under)
    for file in records.attachments:
        file.url = attachment(file.pk)


#: The heading of each kind of timeline entry.
TIMELINE_HEADINGS = {
    "threat": gettext_lazy("Threat"),
    "assessment": gettext_lazy("Assessment"),
    "decision": gettext_lazy("Staff decision"),
    "correction": gettext_lazy("Correction"),
    "status": gettext_lazy("Status"),
    "note": gettext_lazy("Note"),
    "consent": gettext_lazy("Consent"),
    "prosecution": gettext_lazy("Prosecution"),
    "dependant": gettext_lazy("Dependant"),
    "attachment": gettext_lazy("File"),
}
RISK_TEXT = gettext_lazy("risk %(level)s")
DECISION_TEXT = gettext_lazy("risk %(level)s (the engines advised %(engine)s)")
TENSION_FLAGGED = gettext_lazy("tension flagged")


def _shown_timeline(entries: list[selectors.TimelineEntry]) -> list[dict[str, Any]]:
    """
    The entries as the timeline shows them: each one's kind, record, heading and time in words,
    and each assessment's and staff decision's risk levels in a sentence, worked out here once
    rather than by a translation tag, a filter and a sentence tag per entry. Each entry is a
    dictionary, which a template reads without first trying the object as a mapping; the
    headings, the same for every entry of a kind, are escaped once per kind.
    """
    label = _Labels()
    headings = {
        kind: conditional_escape(TIMELINE_HEADINGS[kind])
        for kind in {entry.kind for entry in entries}
    }
    tension = conditional_escape(TENSION_FLAGGED)
    for entry in entries:
        record = entry.record
        if entry.kind == "assessment":
            risk = ((record.output or {}).get("risk") or {}).get("level")
            record.risk_text = RISK_TEXT % {"level": label(risk)}
        elif entry.kind == "decision":
            record.decision_text = DECISION_TEXT % {
                "level": label(record.staff_risk_level),
                "engine": label(record.engine_risk_level),
            }
    return [
        {
            "kind": entry.kind,
            "record": entry.record,
            "when": reading.date(timezone.localtime(entry.at), "DATETIME_FORMAT"),
            "heading": headings[entry.kind],
            "tension": tension,
        }
        for entry in entries
    ]


#: How many timeline entries the case page shows; the rest are on the case's timeline page.
TIMELINE_ON_CASE_PAGE = 10


def _counted_link(sentence: str, count: int) -> SafeString:
    """
    A link's counted sentence (``ngettext``'s, so that makemessages finds it), as
    ``{% blocktranslate count %}`` writes it (the count in the reader's digits, the sentence
    trusted as a template's own text) for a fraction of its cost: the case page's two such links
    cost it more than the rest of their cards (issue 17).
    """
    return SafeString(sentence % {"count": reading.shown_number(localize(count))})


@routes.path("<uuid:case_id>/", name="detail")
@requires(Permission.CASE_VIEW)
def case_detail(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    The case page: status and moves, facts by section, records, assessments and the timeline.

    One reading (``haven.cases.reading``): the current stay and the member's sight of the case are
    looked up once, however many panels and record sources ask. Every form has its own page
    (urgency, moves, notes, uploads): the case page renders links, never a form's widgets.
    """
    membership = _member(request)
    with one_reading():
        case = selectors.case_get(membership=membership, case_id=case_id, with_records=True)
        by_break_glass = case_by_break_glass(membership=membership, case=case)
        # On PostgreSQL the view's event is appended, and committed, in the records' round
        # trip (issue 17); it is committed before anything is rendered either way (AUD-01).
        with appends_riding():
            services.case_viewed(membership=membership, case=case, by_break_glass=by_break_glass)
            records = selectors.case_records(membership=membership, case=case)
        assert by_break_glass == selectors.sees_by_break_glass(
            membership=membership, case=case, assignments=records.assignments
        )
        moves = _shown_moves(case, membership, records)
        assigned = {assignment.membership_id for assignment in records.assignments}
        _precompute_rows(records)
        editable = case.status != CaseStatus.ERASED
        can_edit = editable and may(membership, Permission.CASE_EDIT)
        timeline = records.timeline()
        latest = max(records.assessments, key=lambda row: row.recorded_at, default=None)
        shown_assessments([latest] if latest else [])
        facts = records.shown_facts(case)
        context = {
            "case": case,
            # Labels from their enums: ``get_FIELD_display`` builds a dictionary of every choice.
            "status_label": CASE_STATUS_LABELS[CaseStatus(case.status)],
            "urgency_label": Urgency(case.urgency).label,
            "team": [
                (assignment, Role(assignment.membership.role).label)
                for assignment in records.assignments
            ],
            "links": _case_links(case),
            "facts": facts,
            "fact_sections": _fact_sections(case, facts, can_edit=can_edit),
            "records": records,
            # The latest entries only: rendering every entry was the page's largest cost.
            "timeline": _shown_timeline(timeline[:TIMELINE_ON_CASE_PAGE]),
            "timeline_more": len(timeline) - TIMELINE_ON_CASE_PAGE,
            "timeline_more_link": _counted_link(
                ngettext(
                    "The full timeline (one earlier entry)",
                    "The full timeline (%(count)s earlier entries)",
                    len(timeline) - TIMELINE_ON_CASE_PAGE,
                ),
                len(timeline) - TIMELINE_ON_CASE_PAGE,
            ),
            # The latest only, with a link to its page and the history there (issue 17).
            "latest_assessment": latest,
            "latest_assessments": [latest] if latest else [],
            "earlier_assessments": len(records.assessments) - 1,
            "earlier_assessments_link": _counted_link(
                ngettext(
                    "The history of assessments (one earlier assessment)",
                    "The history of assessments (%(count)s earlier assessments)",
                    len(records.assessments) - 1,
                ),
                len(records.assessments) - 1,
            ),
            "assignments": records.assignments,
            "assignable": [
                (member, Role(member.role).label)
                for member in selectors.case_assignable_members(membership=membership, case=case)
                if member.pk not in assigned
            ]
            if may(membership, Permission.CASE_ASSIGN)
            else [],
            "by_break_glass": by_break_glass,
            "moves": moves,
            "editable": editable,
            # Asked once here instead of in every row of every list.
            "can_edit": can_edit,
            "panels": panels_for("case", membership=membership, case=case),
        }
        return render(request, "cases/case_detail.html", context)


@routes.path("<uuid:case_id>/timeline/", name="timeline")
@requires(Permission.CASE_VIEW)
def case_timeline(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    Every entry of the case's timeline, newest first: the case page shows only the latest ones.
    It shows the case's records, so the view is audited like the case page's.
    """
    membership = _member(request)
    with one_reading():
        case = selectors.case_get(membership=membership, case_id=case_id, with_records=True)
        records = selectors.case_records(membership=membership, case=case)
        by_break_glass = selectors.sees_by_break_glass(
            membership=membership, case=case, assignments=records.assignments
        )
        services.case_viewed(membership=membership, case=case, by_break_glass=by_break_glass)
        _precompute_rows(records)
        context = {
            "case": case,
            "timeline": _shown_timeline(records.timeline()),
            "can_edit": case.status != CaseStatus.ERASED and may(membership, Permission.CASE_EDIT),
        }
        return render(request, "cases/case_timeline.html", context)


def case_form_page(
    request: HavenRequest, case: Case, form: Any, *, title: Any, button: Any, **extra: Any
) -> HttpResponse:
    """A form of the case page that opens on its own page (GET), posting to the same URL."""
    context = {"case": case, "form": form, "title": title, "button": button, "action": request.path}
    return render(request, "cases/case_form.html", {**context, **extra})


@routes.path("<uuid:case_id>/reveal/", name="reveal")
@requires(Permission.CASE_REVEAL_IDENTITY)
@requires_recent_second_factor
@sensitive_post_parameters()
def identity_reveal(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    Show the defender's identity after a reason is given (AZ-04, AUD-01). The identity is in this
    POST's response only: nothing stays revealed and no URL carries it.
    """
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    form = forms.ReasonForm(request.POST or None)
    defender = None
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            defender = services.identity_reveal(
                membership=membership, case=case, reason=form.cleaned_data["reason"]
            )
    return render(request, "cases/reveal.html", {"case": case, "form": form, "defender": defender})


@routes.path("<uuid:case_id>/settings/", name="settings")
@requires(Permission.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def case_settings(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """The urgency and the next deadline: the form on GET, saved on POST."""
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    if request.method != "POST":
        form = forms.CaseSettingsForm(
            initial={"urgency": case.urgency, "next_due_on": case.next_due_on}
        )
        return case_form_page(request, case, form, title=SETTINGS_TITLE, button=SETTINGS_BUTTON)
    form = forms.CaseSettingsForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            services.case_settings_update(
                membership=membership,
                case=case,
                urgency=form.cleaned_data["urgency"],
                next_due_on=form.cleaned_data["next_due_on"],
            )
            messages.success(request, _("Urgency and due date saved."))
    else:
        messages.error(request, _("Choose an urgency and a valid date. Nothing was changed."))
    return redirect(_case_url(case.pk))


@routes.path("<uuid:case_id>/status/", name="transition")
@requires(Permission.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def case_transition(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    """
    Move the case through the lifecycle: the next steps and the form on GET, the move on POST;
    the machine's reasons are shown when it refuses.
    """
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    moves, attestable = _requirements_to_confirm(case, membership)
    if request.method != "POST":
        if not moves:
            return redirect(_case_url(case.pk))
        form = forms.TransitionForm(
            requirements=attestable, targets=[option.target.value for option in moves]
        )
        return case_form_page(request, case, form, title=MOVE_TITLE, button=MOVE_TITLE, moves=moves)
    form = forms.TransitionForm(request.POST, requirements=attestable)
    if form.is_valid():
        with refusal_shown(request):
            services.case_transition(
                membership=membership,
                case=case,
                target=form.cleaned_data["target"],
                confirmed=form.cleaned_data["confirmed"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("Status changed to %(status)s.") % {"status": case.get_status_display()}
            )
    else:
        messages.error(request, _("Choose where the case should move. Nothing was changed."))
    return redirect(_case_url(case.pk))


def _chosen_member(request: HavenRequest, membership: Membership, case: Case) -> Membership | None:
    """The member of the case's organisation named by the assignment form, if any."""
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return None
    member: Membership | None = (
        selectors.case_assignable_members(membership=membership, case=case)
        .filter(pk=form.cleaned_data["membership"])
        .first()
    )
    return member


@routes.path("<uuid:case_id>/assign/", name="assign")
@requires(Permission.CASE_ASSIGN)
@require_POST
def case_assign(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    target = _chosen_member(request, membership, case)
    if target is None:
        messages.error(request, _("Choose a member of this organisation. Nothing was changed."))
    else:
        with refusal_shown(request):
            services.case_assign(membership=membership, case=case, assignee=target)
            messages.success(request, _("%(name)s is assigned.") % {"name": target.user.username})
    return redirect(_case_url(case.pk))


@routes.path("<uuid:case_id>/unassign/", name="unassign")
@requires(Permission.CASE_ASSIGN)
@require_POST
def case_unassign(request: HavenRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = _member(request)
    case = selectors.case_get(membership=membership, case_id=case_id)
    target = _chosen_member(request, membership, case)
    if target is None:
        messages.error(request, _("Choose a member of this organisation. Nothing was changed."))
    else:
        services.case_unassign(membership=membership, case=case, assignee=target)
        messages.success(
            request, _("%(name)s is no longer assigned.") % {"name": target.user.username}
        )
    return redirect(_case_url(case.pk))
