"""Pages that belong to no single app: the dashboard and the generic error pages."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from haven.accounts.access import signed_in
from haven.accounts.requests import HavenRequest, authenticated_user
from haven.accounts.round_trips import read_together
from haven.accounts.routing import Routes
from haven.accounts.selectors import security_notices_open
from haven.asylum.deadlines import team_warnings
from haven.asylum.selectors import final_outcomes
from haven.cases import selectors as case_selectors
from haven.cases.listing import attach_case_links, attach_due_dates
from haven.organisations.policy import Permission, may
from haven.relocations.reminders import unread_reminders_read
from haven.relocations.selectors import due_items

#: The URL table of ``haven.web.urls``: each view's address stands above it.
routes = Routes()


@routes.path("", name="dashboard")
@signed_in
def dashboard(request: HavenRequest) -> HttpResponse:
    """
    The landing page after signing in: what this member's role can use, and nothing else. For
    case staff it opens on "My cases" (divergent risk views first, then urgency and due dates)
    and their unread notifications.
    """
    membership = request.membership
    context: dict[str, Any] = {}
    if may(membership, Permission.CASE_VIEW):
        # My cases, the notifications and the stay reminders: compiled reads, sent together
        # (one round trip on PostgreSQL, issue 17); a read that has nothing to find is not sent.
        calls = [
            case_selectors.my_cases_read(membership=membership),
            case_selectors.unread_notifications_read(membership=membership),
            unread_reminders_read(membership),
        ]
        found = iter(read_together([call for call in calls if call is not None]))
        mine, notifications, reminders = ([] if call is None else next(found) for call in calls)
        attach_due_dates(mine)
        attach_case_links(mine)
        context = {
            "my_cases": mine,
            "notifications": notifications,
            "relocation_due": due_items(membership=membership),
            "stay_reminders": reminders,
        }
        # The asylum bridge: host-state deadlines on the member's own cases (the case team only).
        context["asylum_deadlines"] = team_warnings(mine)
        # And the procedure's final outcome (recognised, refused...) beside the case's status,
        # on each row (a lookup per row in the template cost more).
        outcomes = final_outcomes(membership=membership, cases=mine)
        for case in mine:
            case.asylum_outcome = outcomes.get(case.pk)
    # AUTH-10: changes to the account's factors, or a lockout, are told here until dismissed.
    context["security_notices"] = security_notices_open(authenticated_user(request))
    return render(request, "web/dashboard.html", context)


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": title, "message": message, "status": status},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        _("Bad request"),
        _("The request could not be understood. Nothing was changed."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 403, _("Not allowed"), _("You are not allowed to do this. Nothing was changed.")
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Not found"), _("There is nothing here, or you may not see it."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Something went wrong"),
        _("The error was recorded. Nothing you entered was half-saved."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("Form expired"),
        _(
            "This form was out of date or tampered with, so nothing was changed. Go back, reload and try again."
        ),
    )
