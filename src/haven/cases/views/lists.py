"""
The case list and search, break-glass access and marking notifications read.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from haven.accounts.access import requires
from haven.accounts.requests import HavenRequest
from haven.accounts.requests import acting_member as _member
from haven.accounts.shortcuts import refusal_shown
from haven.cases import forms, listing, selectors, services
from haven.cases.errors import CaseError
from haven.cases.models import Case
from haven.cases.pagination import query_without_cursor, requested_cursor
from haven.cases.views.common import _case_url, routes
from haven.organisations.policy import Permission
from haven.vault.errors import SearchRateLimitedError


@routes.path("", name="list")
@requires(Permission.CASE_VIEW)
def case_list(request: HavenRequest) -> HttpResponse:
    """
    Cases the member may see, filtered on plain columns and sorted by ``?sort=`` (country,
    profile, risk or stage; ``-`` reverses; an unknown column is refused with a message and the
    usual order) (GET); search by a part of a defender's name, a phone, an e-mail or a document
    goes through blind indexes and is a POST (WEB-05).
    """
    membership = _member(request)
    filters = forms.ListFilterForm(request.GET or None)
    search = forms.SearchForm(request.POST or None)
    search_results: list[Case] | None = None
    cleaned: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    if request.method == "POST" and search.is_valid():
        try:
            defenders = services.defender_search(
                membership=membership,
                organisation=membership.organisation,
                field=search.cleaned_data["field"],
                value=search.cleaned_data["value"],
            )
        except (SearchRateLimitedError, CaseError) as error:
            messages.error(request, str(error))
            defenders = []
        search_results = list(
            selectors.with_assignees(
                selectors.visible_cases(membership=membership)
                .filter(defenders__in=defenders)
                .distinct()
            )
        )
    try:
        sort = listing.parse_sort(request.GET.get("sort"))
    except listing.SortError as error:
        messages.error(request, str(error))
        sort = listing.ListSort()
    cases = selectors.case_list(
        membership=membership,
        statuses=cleaned.get("status") or None,
        urgency=cleaned.get("urgency") or None,
        assigned_to_me=bool(cleaned.get("mine")),
        include_closed=bool(cleaned.get("closed")),
    )
    arguments = requested_cursor(request.GET)
    try:
        page = listing.sorted_case_page(cases, sort, size=selectors.CASES_PER_PAGE, **arguments)
    except listing.SortError as error:
        messages.error(request, str(error))
        sort = listing.ListSort()
        page = listing.sorted_case_page(cases, sort, size=selectors.CASES_PER_PAGE, **arguments)
    unsorted = request.GET.copy()
    unsorted.pop("sort", None)
    context = {
        "filters": filters,
        "search": search,
        # A plain visit's forms are unbound: their markup is the same on every visit.
        "filters_html": None if filters.is_bound else listing.blank_fields(forms.ListFilterForm),
        "search_html": None if search.is_bound else listing.blank_fields(forms.SearchForm),
        "search_results": search_results,
        "page": page,
        "sort": sort,
        "sort_columns": listing.heading_links(sort, query_without_cursor(unsorted)),
        "query": query_without_cursor(request.GET if sort.column else unsorted),
    }
    template = (
        "cases/_case_table.html" if request.headers.get("HX-Request") else "cases/case_list.html"
    )
    return render(request, template, context)


@routes.path("break-glass/", name="break_glass")
@requires(Permission.CASE_BREAK_GLASS)
@sensitive_post_parameters()
def break_glass(request: HavenRequest) -> HttpResponse:
    """Emergency access to a case one is not assigned to: code, reason, audit, coordinators told."""
    form = forms.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            case = services.break_glass_open(membership=_member(request), **form.cleaned_data)
            messages.warning(
                request,
                _("Emergency access granted for %(hours)s hours. Your coordinators have been told.")
                % {"hours": services.BREAK_GLASS_HOURS},
            )
            return redirect(_case_url(case.pk))
    return render(request, "cases/break_glass.html", {"form": form})


@routes.path("notifications/read/", name="notifications_read")
@requires(Permission.CASE_VIEW)
@require_POST
def notifications_read(request: HavenRequest) -> HttpResponse:
    services.notifications_mark_read(membership=_member(request))
    return redirect("web:dashboard")
