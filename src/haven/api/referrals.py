"""
Portal referrals through the API: the triage queue's selectors, for members who triage.

Only the plain columns are answered (reference, status, urgency, language, times and the case a
referral became): what the defender wrote stays on the triage page, behind the same permission,
where reading it is a deliberate act.
"""

import uuid
from datetime import datetime

from django.db.models import QuerySet
from ninja import Router, Schema
from ninja.pagination import paginate

from haven.api.models import Scope
from haven.api.operations import Pages, answers, operation
from haven.api.requests import ApiRequest
from haven.portal import selectors
from haven.portal.models import Referral

router = Router(tags=["portal referrals"])


class ReferralOut(Schema):
    id: uuid.UUID
    reference: str
    status: str
    urgency: str
    language: str
    submitted_at: datetime
    decided_at: datetime | None
    case_id: uuid.UUID | None


@router.get("/referrals", response=answers(list[ReferralOut]))
@paginate(Pages)
@operation(Scope.READ_CASES)
def referral_list(request: ApiRequest) -> QuerySet[Referral]:
    """The referrals waiting for triage, most urgent and oldest first (the intake queue)."""
    # The queue's selector checks the triage permission (404 otherwise) and orders the waiting
    # referrals; its paginator holds the whole ordered query, which the API pages itself.
    queue = selectors.intake_queue(membership=request.membership)
    waiting = queue.paginator.object_list
    assert isinstance(waiting, QuerySet)
    return waiting.only(
        "id", "reference", "status", "urgency", "language", "submitted_at", "decided_at", "case"
    )


@router.get("/referrals/{uuid:referral_id}", response=answers(ReferralOut))
@operation(Scope.READ_CASES)
def referral_detail(request: ApiRequest, referral_id: uuid.UUID) -> Referral:
    """One referral of the member's organisation, waiting or decided."""
    return selectors.referral_get(membership=request.membership, referral_id=referral_id)
