"""
Opening a stay: an offered place is accepted and the stay starts from the application.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType
from haven.cases.models import Dependant
from haven.domain.stay import (
    stay_problems,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.programmes.models import Application, ApplicationStatus
from haven.programmes.services import application_change_status
from haven.relocations.models import (
    Stay,
    TravellingDependant,
)
from haven.relocations.services.common import (
    StayError,
    _months,
    _reachable,
    _refuse,
    on_stay,
    save_once,
    stay_written,
)
from haven.vault.keyring import keyring_scope

UNKNOWN_DEPENDANT = _("Choose dependants recorded on the case.")


def _dependant_ids(application: Application, chosen: Iterable[Any]) -> list[str]:
    wanted = {str(value) for value in chosen}
    known = {
        str(pk)
        for pk in Dependant.objects.filter(case=application.case).values_list("pk", flat=True)
    }
    if not wanted <= known:
        raise StayError(UNKNOWN_DEPENDANT)
    return sorted(wanted)


NOT_AN_OFFER = _("Only an offered place can be accepted; this application is %(status)s.")
ALREADY_OPEN = _("This offer was already accepted and its stay opened.")


def _locked_offer(application: Application) -> Application:
    """
    Re-read the application locked for this transaction, refusing anything but an open offer: a
    double submit finds the offer accepted and its stay open, and is told so.
    """
    locked: Application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "case", "intake_window")
        .get(pk=application.pk)
    )
    if (
        locked.status == ApplicationStatus.ACCEPTED
        and Stay.objects.filter(application=locked).exists()
    ):
        raise StayError(ALREADY_OPEN)
    if locked.status != ApplicationStatus.OFFERED:
        raise StayError(NOT_AN_OFFER, status=ApplicationStatus(locked.status).label)
    return locked


NOT_A_HOST_COUNTRY = _("This programme hosts in %(countries)s only.")


def _host_country(application: Application, chosen: str) -> str:
    """
    The stay's host country: the one chosen, which must be one the programme hosts in; else the
    intake window's; else the programme's only one; else none yet ("").
    """
    window = application.intake_window
    hosts = list(application.programme.host_countries or [])
    if chosen and hosts and chosen not in hosts:
        raise StayError(NOT_A_HOST_COUNTRY, countries=", ".join(hosts))
    return (
        chosen
        or (window.host_country if window and window.host_country else "")
        or (hosts[0] if len(hosts) == 1 else "")
    )


@transaction.atomic
def stay_open(
    *,
    membership: Membership,
    application: Application,
    host_city: str,
    planned_start: datetime.date,
    planned_end: datetime.date,
    travelling_dependants: Iterable[Any] = (),
    needs: str = "",
    host_country: str = "",
) -> Stay:
    """
    Accept an offered place and open its stay: who travels, where, from when until when.

    Permission: STAY_MANAGE on the case. Dates must make sense and fit the programme's maximum.
    The application becomes ``accepted`` in the same transaction, so an offer is never accepted
    without its stay, nor a stay opened twice (a double submit finds the offer taken). Side
    effects: ``relocation.stay_opened`` and the application's status event; the case moves from
    applying to relocation preparation. Raises StayError.
    """
    _reachable(membership, Permission.STAY_MANAGE, application.case)
    locked = _locked_offer(application)
    programme = locked.programme
    _refuse(
        stay_problems(
            start=planned_start, end=planned_end, maximum_months=programme.duration_months_max
        ),
        months=_months(programme.duration_months_max),
    )
    dependants = _dependant_ids(locked, travelling_dependants)
    host_country = _host_country(locked, host_country)
    # Accepting is a move on the programmes status machine, which checks its own permission
    # (MANAGE_APPLICATIONS on the case, held by every role that manages stays).
    application_change_status(
        membership=membership, application=locked, status=ApplicationStatus.ACCEPTED
    )
    with keyring_scope():
        stay = Stay(
            organisation_id=locked.organisation_id,
            case=locked.case,
            application=locked,
            programme=programme,
            host_country=host_country,
            host_city=host_city.strip() or None,
            planned_start=planned_start,
            planned_end=planned_end,
            people_count=1 + len(dependants),
            travelling_dependants=dependants,
            needs=needs.strip() or None,
        )
        save_once(stay, ALREADY_OPEN)
        TravellingDependant.objects.bulk_create(
            TravellingDependant(
                **on_stay(stay, membership),
                dependant_id=dependant_id,
            )
            for dependant_id in dependants
        )
        return stay_written(membership, stay, EventType.STAY_OPENED, application_id=locked.pk)
