"""The audit screen: auditors and coordinators read their organisation's events (AUD-01)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.access import requires
from haven.accounts.models import Membership
from haven.accounts.policy import Permission
from haven.audit.forms import AuditFilterForm
from haven.audit.selectors import AuditFilter, actor_names, audit_event_list

PAGE_SIZE = 50


@requires(Permission.VIEW_AUDIT_LOG)
def event_list(request: HttpRequest) -> HttpResponse:
    member = request.membership  # type: ignore[attr-defined]
    assert isinstance(member, Membership)
    names = actor_names(member)
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
    page = Paginator(audit_event_list(member, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.actor_name = names.get(str(event.actor_id), "")  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "names": names, "query": query.urlencode()},
        status=status,
    )
