"""
Stays and their check-ins through the API: the relocation pages' selectors, so the same reach.

Staff see the stays of the cases they may see; a host partner's token sees the stays of the
programmes they host, without the case and without any check-in (the host view of the web).
Only plain columns of a stay are answered: its city and needs stay on the web page.
"""

import uuid
from datetime import date
from typing import Any

from django.db.models import QuerySet
from ninja import Router, Schema
from ninja.pagination import paginate

from haven.api.models import Scope
from haven.api.operations import Pages, answers, operation
from haven.api.requests import ApiRequest
from haven.organisations.models import Membership
from haven.relocations import selectors
from haven.relocations.access import is_host_partner
from haven.relocations.models import Stay

router = Router(tags=["stays"])


class StayOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID | None
    programme_id: uuid.UUID
    host_country: str
    planned_start: date
    planned_end: date
    people_count: int
    status: str
    arrived_on: date | None
    ended_on: date | None
    next_check_in_due: date | None
    return_review_due: date | None


class CheckInOut(Schema):
    id: uuid.UUID
    done_on: date
    mode: str
    flags: list[str]
    note: str
    psychosocial_referral: bool


def _stay_out(membership: Membership, stay: Stay) -> dict[str, Any]:
    """A stay's plain columns; the case only for staff (host partners never learn it)."""
    return {
        **{field: getattr(stay, field) for field in StayOut.model_fields if field != "case_id"},
        "case_id": None if is_host_partner(membership) else stay.case_id,
    }


@router.get("/stays", response=answers(list[StayOut]))
@paginate(Pages)
@operation(Scope.READ_CASES)
def stay_list(request: ApiRequest) -> list[dict[str, Any]] | QuerySet[Stay]:
    """The stays the token's member may reach, soonest first, closed ones included."""
    membership = request.membership
    stays = selectors.reachable_stays(membership=membership).order_by(
        "planned_start", "created_at", "id"
    )
    if is_host_partner(membership):
        return [_stay_out(membership, stay) for stay in stays]
    return stays


@router.get("/stays/{uuid:stay_id}", response=answers(StayOut))
@operation(Scope.READ_CASES)
def stay_detail(request: ApiRequest, stay_id: uuid.UUID) -> dict[str, Any]:
    """One stay the member may reach."""
    membership = request.membership
    return _stay_out(membership, selectors.stay_get(membership=membership, stay_id=stay_id))


@router.get("/stays/{uuid:stay_id}/check-ins", response=answers(list[CheckInOut]))
@operation(Scope.READ_CASES)
def stay_check_ins(request: ApiRequest, stay_id: uuid.UUID) -> list[dict[str, Any]]:
    """The stay's check-ins, newest first; none for a host partner (need-to-know)."""
    membership = request.membership
    stay = selectors.stay_get(membership=membership, stay_id=stay_id)
    return [
        {
            "id": check_in.pk,
            "done_on": check_in.done_on,
            "mode": check_in.mode,
            "flags": [str(flag) for flag in (check_in.flags or [])],
            "note": check_in.note or "",
            "psychosocial_referral": check_in.psychosocial_referral,
        }
        for check_in in selectors.stay_records(membership=membership, stay=stay).check_ins
    ]
