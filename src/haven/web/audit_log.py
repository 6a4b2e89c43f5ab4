"""The audit screen: auditors and coordinators read their organisation's events (AUD-01).

A screen, so it lives in the web layer above the audit core it reads."""

from datetime import date

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest, acting_member
from haven.audit.events import EventType
from haven.audit.selectors import AuditFilter, actor_names, audit_event_list
from haven.cases.pagination import SortKey, cursor_arguments, keyset_page, query_without_cursor
from haven.organisations.policy import Permission
from haven.web.audit_labels import event_label, object_label

PAGE_SIZE = 50
#: Newest first. ``seq`` is unique, so it is the whole sort key, and its index serves every page.
AUDIT_ORDER = (SortKey("seq", descending=True),)

# The audit log cannot hold events before Haven existed or after the calendar's end; a date
# outside this window is a typing slip, answered with a message rather than an overflow.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2999, 12, 31)
DATE_OUT_OF_RANGE = _("Choose a date between %(earliest)s and %(latest)s.")


class AuditCursorForm(forms.Form):
    """
    The page shown: after or before one event, or the last (oldest) page. The cursor is the
    event's row number, looked up again among the member's own filtered events, so a cursor to
    another organisation's event just starts at the first page.
    """

    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    last = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AuditFilterForm(forms.Form):
    """The audit screen's filters. Every field is optional; ids only, never names or free text."""

    event_type = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("Any"))] + [(e.value, event_label(e.value)) for e in EventType],
    )
    actor = forms.ChoiceField(label=_("Who"), required=False, choices=[("", _("Anyone"))])
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _date_in_range(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                DATE_OUT_OF_RANGE,
                code="date_out_of_range",
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )
        return value

    def clean_date_from(self) -> date | None:
        return self._date_in_range("date_from")

    def clean_date_to(self) -> date | None:
        return self._date_in_range("date_to")

    def __init__(self, *args: object, actors: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        ordered = sorted(actors.items(), key=lambda item: item[1])
        self.fields["actor"].choices = [("", _("Anyone")), *ordered]  # type: ignore[attr-defined]


@requires(Permission.VIEW_AUDIT_LOG)
def event_list(request: HavenRequest) -> HttpResponse:
    member = acting_member(request)
    names = actor_names(membership=member)
    form = AuditFilterForm(request.GET or None, actors=names)
    filters = AuditFilter()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = AuditFilter(
                event_type=data["event_type"],
                actor_id=data["actor"],
                object_id=data["object_id"].strip(),
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        else:
            status = 400
    # Keyset pages and a count capped at COUNT_CAP: the log only grows, and an exact count or a
    # deep OFFSET would read every event of the organisation on every request.
    cursor = AuditCursorForm(request.GET)
    page = keyset_page(
        audit_event_list(membership=member, filters=filters),
        AUDIT_ORDER,
        size=PAGE_SIZE,
        **cursor_arguments(cursor.cleaned_data if cursor.is_valid() else {}),
    )
    for event in page.rows:
        event.actor_name = names.get(str(event.actor_id), "")
        event.label = event_label(event.event_type)
        event.object_label = object_label(event.object_type)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "names": names, "query": query_without_cursor(request.GET)},
        status=status,
    )
