"""Taking in a new defender from the staff intake form."""

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from haven.accounts.acting import permits
from haven.cases.models import Case, ConsentPurpose
from haven.cases.services.consents import consent_record
from haven.cases.services.guards import parse_problems, raise_problems
from haven.cases.services.opening import case_open
from haven.cases.services.receipts import form_receipt_claim
from haven.organisations.models import Membership
from haven.organisations.policy import Permission


@transaction.atomic
def case_intake(
    *,
    membership: Membership,
    identity: Mapping[str, Any],
    facts: Mapping[str, Any],
    urgency: str,
    consent_scope: str | None,
    submission_token: uuid.UUID | None = None,
) -> Case:
    """
    Take in a new defender from the staff intake form: open the case, put the member who took it
    on its access list, and record the consent to processing when the defender gave it.

    Permission: CASE_OPEN, checked here (Http404 otherwise, as ``referral_open_case``); the case
    is opened in the member's own organisation. Side effects: ``case.opened``,
    ``case.assigned`` and, with consent, ``case.consent_recorded``; the form's
    ``submission_token`` is claimed and names the case. Raises CaseError (nothing saved) for an
    incomplete identity or facts that fail the engines' checks, DuplicateSubmissionError for a
    token used before.
    """
    if not permits(membership, Permission.CASE_OPEN):
        raise Http404
    receipt = form_receipt_claim(token=submission_token)
    checked = dict(facts)
    checked["assessed_on"] = timezone.localdate().isoformat()
    raise_problems(parse_problems(checked))
    case = case_open(
        membership=membership,
        organisation=membership.organisation,
        identity=identity,
        facts=facts,
        urgency=urgency,
        assign_opener=True,
    )
    if consent_scope is not None:
        consent_record(
            membership=membership,
            case=case,
            purpose=ConsentPurpose.PROCESSING,
            given_on=timezone.localdate(),
            scope=consent_scope,
        )
    if receipt is not None:
        receipt.case = case
        receipt.save(update_fields=["case"])
    return case
