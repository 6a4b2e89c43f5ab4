"""
The defender's stay, as the portal sees it: whether one is under way, and the check-ins and
incident reports the defender sends onto it.

The portal has no member acting: the defender opened the referral with its receipt and
passphrase, and the stay is found from that referral's own case, never from anything the browser
sends, so a defender reaches no stay but their own (need to know). The writes go through the
relocations services as ``SYSTEM`` with ``source=DEFENDER``, which is how the case team sees them
marked "from the defender" on the stay page; those services write the one audit event
(``relocation.record_saved`` with the record kind and the source, ids and enumerations only).
Each check-in or incident also puts an in-app notification before the case team (the
organisation's coordinators and the staff assigned to the case), naming the case and the kind of
message only, never its content (``cases.services.case_team_notify``).
The defender is shown nothing about the stay itself (host, programme, dates): only that the
forms are open.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import SYSTEM
from haven.cases.models import Case, NotificationKind
from haven.cases.selectors import CLOSED_STATUSES
from haven.cases.services import case_team_notify
from haven.cases.services.receipts import ALREADY_SUBMITTED
from haven.organisations.errors import ApplicationError
from haven.portal import abuse
from haven.portal.models import Referral
from haven.relocations.models import (
    CheckIn,
    CheckInMode,
    RecordSource,
    Stay,
    StayEvent,
    StayEventKind,
)
from haven.relocations.selectors import UNDER_WAY
from haven.relocations.services import check_in_record, lock_stay, stay_event_record
from haven.vault.keyring import keyring_scope

NO_STAY_NOW = _(
    "There is no stay under way on your case now (it may have ended), so this could not be "
    "recorded. Nothing was saved. You can still write to the team below if your case is open."
)
STAY_CASE_CLOSED = _("This case is closed, so nothing more can be sent. Nothing was saved.")
EMPTY_CHECK_IN = _("Choose at least one answer or write a few words, then send.")


def stay_under_way(case: Case | None) -> Stay | None:
    """
    The case's stay after arrival and before its end or cancellation, if any.

    Asked for the defender's own case only (the referral's), so no member's reach applies here;
    staff reads go through ``relocations.selectors`` as usual.
    """
    if case is None or case.status in CLOSED_STATUSES or case.erased_at is not None:
        return None
    return (
        Stay.objects.filter(case=case, status__in=UNDER_WAY, arrived_on__isnull=False)
        .order_by("-created_at")
        .first()
    )


def case_has_active_stay(case: Case | None) -> bool:
    """Whether the status page offers the check-in and incident forms for ``case``."""
    return stay_under_way(case) is not None


@dataclass(frozen=True)
class IncidentReport:
    """What a defender reports: a type from the incident vocabulary, a day, and their words."""

    type: str
    date: datetime.date
    home_state_link: bool
    narrative: str


def _defender_stay(referral: Referral, form_token: abuse.FormToken) -> Stay:
    """
    The referral's case's stay under way, locked, with the form's token claimed (a second send
    is refused); refused in words when there is no stay. Runs in the caller's transaction, so a
    refused save releases the token.
    """
    if referral.case_id is None:
        raise ApplicationError(NO_STAY_NOW)
    case = Case.objects.get(pk=referral.case_id)
    if case.status in CLOSED_STATUSES or case.erased_at is not None:
        raise ApplicationError(STAY_CASE_CLOSED)
    stay = stay_under_way(case)
    if stay is None:
        raise ApplicationError(NO_STAY_NOW)
    locked = lock_stay(stay)
    if not abuse.claim_form_token(form_token):
        raise ApplicationError(ALREADY_SUBMITTED)
    return locked


def check_in_from_defender(
    *, referral: Referral, flags: Iterable[str], note: str, form_token: abuse.FormToken
) -> CheckIn:
    """
    Record the defender's own wellbeing check-in on their stay under way, dated today.

    The form token is claimed in the same transaction, so a second send saves nothing, and a
    refused save releases it. Side effect: the relocation service's one ``relocation.record_saved``
    event (source ``defender``). Raises ApplicationError when the form is empty or replayed, the
    case is closed or no stay is under way; nothing is saved then.
    """
    chosen = sorted(set(flags))
    if not chosen and not note.strip():
        raise ApplicationError(EMPTY_CHECK_IN)
    with transaction.atomic(), keyring_scope():
        stay = _defender_stay(referral, form_token)
        check_in = check_in_record(
            membership=SYSTEM,
            stay=stay,
            done_on=timezone.localdate(),
            mode=CheckInMode.MESSAGE,
            flags=chosen,
            note=note,
            source=RecordSource.DEFENDER,
        )
        case_team_notify(case=stay.case, kind=NotificationKind.DEFENDER_CHECK_IN)
        return check_in


def incident_from_defender(
    *, referral: Referral, report: IncidentReport, form_token: abuse.FormToken
) -> StayEvent:
    """
    Record a security incident the defender reports on their stay under way.

    The severity is left for the team to judge (``details`` carry no ``severity``); the type and
    the link to the home state feed the case facts like any incident. Same token, transaction,
    audit event and refusals as ``check_in_from_defender``; a day in the future is refused by
    the relocation service.
    """
    with transaction.atomic(), keyring_scope():
        stay = _defender_stay(referral, form_token)
        event = stay_event_record(
            membership=SYSTEM,
            stay=stay,
            kind=StayEventKind.INCIDENT,
            details={
                "type": report.type,
                "date": report.date,
                "home_state_link": report.home_state_link,
            },
            narrative=report.narrative,
            source=RecordSource.DEFENDER,
        )
        case_team_notify(case=stay.case, kind=NotificationKind.DEFENDER_INCIDENT)
        return event
