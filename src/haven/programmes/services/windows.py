"""Intake windows: when a programme takes applications, for which stay, with how many places."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, record_action
from haven.audit.events import EventType
from haven.organisations.errors import filled, joined
from haven.organisations.policy import Permission
from haven.programmes.errors import ProgrammeError
from haven.programmes.models import IntakeWindow, Programme
from haven.programmes.services.guards import NOT_A_PROGRAMME_MANAGER, check_permitted

WINDOW_CLOSES_BEFORE_OPENING = _("The window cannot close before it opens.")
STAY_ENDS_BEFORE_STARTING = _("The stay cannot end before it starts.")
HOST_COUNTRY_NOT_OFFERED = _("The host country must be one of the programme's host countries.")
PLACES_REQUIRED = _("Give the window a number of places.")
CAPACITY_NOT_WHOLE = _("Capacity %(resource)s must be a whole number of at least 0.")


WINDOW_FIELDS = (
    "name",
    "opens_on",
    "closes_on",
    "stay_starts_on",
    "stay_ends_on",
    "host_country",
    "capacities",
    "status",
)


def _window_problems(programme: Programme, data: Mapping[str, Any]) -> list[Promise]:
    """Every problem of the window ``data``, translated when read (in the reader's language)."""
    problems: list[Promise] = []
    if data["closes_on"] < data["opens_on"]:
        problems.append(WINDOW_CLOSES_BEFORE_OPENING)
    starts, ends = data.get("stay_starts_on"), data.get("stay_ends_on")
    if starts and ends and ends < starts:
        problems.append(STAY_ENDS_BEFORE_STARTING)
    host = data.get("host_country") or ""
    if host and host not in (programme.host_countries or []):
        problems.append(HOST_COUNTRY_NOT_OFFERED)
    capacities = data.get("capacities") or {}
    if not capacities or "places" not in capacities:
        problems.append(PLACES_REQUIRED)
    for resource, amount in capacities.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            problems.append(filled(CAPACITY_NOT_WHOLE, resource=resource))
    return problems


WINDOW_OF_ANOTHER_PROGRAMME = _("This window belongs to another programme.")


@transaction.atomic
def intake_window_save(
    *,
    membership: Acting,
    programme: Programme,
    data: Mapping[str, Any],
    window: IntakeWindow | None = None,
) -> IntakeWindow:
    """
    Create an intake window for ``programme``, or change ``window``.

    ``data`` holds ``WINDOW_FIELDS``; capacities are ``{"places": n, "beds": m}``. Permission:
    MANAGE_PROGRAMMES on a programme of the member's organisation. Side effect: one
    ``programme.intake_window_saved`` event with the changed field names. Raises ProgrammeError
    listing every problem, or for a role without the permission; another organisation's
    programme is Http404. Nothing is saved then.
    """
    check_permitted(membership, Permission.MANAGE_PROGRAMMES, programme, NOT_A_PROGRAMME_MANAGER)
    problems = _window_problems(programme, data)
    if problems:
        raise ProgrammeError(joined(problems, " "))
    created = window is None
    if window is None:
        window = IntakeWindow(organisation_id=programme.organisation_id, programme=programme)
    elif window.programme_id != programme.pk:
        raise ProgrammeError(WINDOW_OF_ANOTHER_PROGRAMME)
    changed = sorted(
        field
        for field in WINDOW_FIELDS
        if field in data and (created or getattr(window, field) != data[field])
    )
    for field in changed:
        setattr(window, field, data[field])
    window.save()
    record_action(
        EventType.INTAKE_WINDOW_SAVED,
        membership,
        window,
        {"programme_id": programme.pk, "created": created, "fields": changed},
    )
    return window
