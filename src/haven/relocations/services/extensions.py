"""
Extensions: asked for, then granted or declined within the programme's maximum.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType
from haven.domain.stay import (
    extension_problems,
)
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.models import (
    Extension,
    ExtensionDecision,
    Stay,
)
from haven.relocations.services.arrival import (
    _arrived,
)
from haven.relocations.services.common import (
    StayError,
    _months,
    _refuse,
    on_stay,
    save_once,
    stay_written,
    writable_stay,
)
from haven.vault.keyring import keyring_scope

EXTENSION_PENDING = _("An extension is already waiting for a decision.")
EXTENSION_DECIDED = _("This extension was already decided.")


def _refuse_extension(stay: Stay, requested_end: datetime.date) -> None:
    """
    Refuse an end that is not later than the stay's, or past the programme's maximum counted from
    the start: asked when an extension is requested, and again when it is granted (the maximum
    may have changed meanwhile).
    """
    _refuse(
        extension_problems(
            start=stay.arrived_on or stay.planned_start,
            current_end=stay.planned_end,
            requested_end=requested_end,
            maximum_months=stay.programme.duration_months_max,
        ),
        end=stay.planned_end.isoformat(),
        months=_months(stay.programme.duration_months_max),
    )


@transaction.atomic
def extension_request(
    *,
    membership: Membership,
    stay: Stay,
    ground: str,
    requested_end: datetime.date,
    evidence: str = "",
) -> Extension:
    """
    Ask to extend the stay. The requested end must be later than the current one and within the
    programme's maximum counted from the start; one request waits at a time.

    Permission: STAY_MANAGE. Side effect: ``relocation.record_saved``.
    """
    stay = _arrived(membership, stay)
    _refuse_extension(stay, requested_end)
    with keyring_scope():
        extension = Extension(
            **on_stay(stay, membership),
            ground=ground,
            requested_end=requested_end,
            evidence=evidence.strip() or None,
        )
        save_once(extension, EXTENSION_PENDING)
        stay_written(
            membership, stay, EventType.STAY_RECORD_SAVED, record="extension", ground=ground
        )
    return extension


@transaction.atomic
def extension_decide(*, membership: Membership, extension: Extension, grant: bool) -> Extension:
    """
    The coordinator's decision on an extension. Granting moves the stay's planned end (checked
    again against the programme's maximum, which may have changed) and re-plans check-ins and the
    return review.

    Permission: STAY_DECIDE. Side effect: ``relocation.extension_decided``. A decided request
    cannot be decided again (a double submit is refused).
    """
    stay = writable_stay(membership, Permission.STAY_DECIDE, extension.stay)
    locked = Extension.objects.select_for_update().get(pk=extension.pk)
    if locked.decision != ExtensionDecision.PENDING:
        raise StayError(EXTENSION_DECIDED)
    if grant:
        _refuse_extension(stay, locked.requested_end)
        stay.planned_end = locked.requested_end
        stay.save(update_fields=["planned_end"])
    locked.decision = ExtensionDecision.GRANTED if grant else ExtensionDecision.REFUSED
    locked.decided_by = membership.user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision", "decided_by", "decided_at"])
    stay_written(
        membership,
        stay,
        EventType.STAY_EXTENSION_DECIDED,
        extension_id=locked.pk,
        decision=locked.decision,
    )
    return locked
