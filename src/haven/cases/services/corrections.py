"""
Correcting a case's records (threats, prosecutions, dependants, consents): a correction keeps
what the record said before, who changed it, when and why. Nothing is silently overwritten.
"""

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import permits, record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.facts_mapping import build_facts
from haven.cases.models import (
    Case,
    CorrectedRecord,
    Dependant,
    Prosecution,
    RecordCorrection,
    Threat,
)
from haven.cases.record_sources import contribute_facts
from haven.cases.selectors import CORRECTABLE_MODELS
from haven.cases.services.consents import check_consent_purpose
from haven.cases.services.guards import (
    check_live,
    on_case,
    parse_problems,
    raise_problems,
    required_reason,
    touch,
)
from haven.cases.services.receipts import form_receipt_claim
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope

NOTHING_CORRECTED = _("Nothing was changed: the record already says this.")
WITHDRAWN_CONSENT_IS_FINAL = _("A withdrawn consent stays as it was; record a new consent instead.")

CORRECTABLE = CORRECTABLE_MODELS


def _facts_with(
    case: Case, kind: str, record_id: Any, details: Mapping[str, Any], narrative: str | None
) -> dict[str, Any]:
    """The case's full facts with one threat, prosecution or dependant row replaced."""

    def rows(model: Any) -> list[Any]:
        return list(model.objects.filter(case=case).order_by("recorded_at"))

    threats = [
        (dict(details), narrative)
        if kind == CorrectedRecord.THREAT and row.pk == record_id
        else (row.details, row.narrative)
        for row in rows(Threat)
    ]
    prosecutions = [
        dict(details)
        if kind == CorrectedRecord.PROSECUTION and row.pk == record_id
        else row.details
        for row in rows(Prosecution)
    ]
    dependants = [
        dict(details) if kind == CorrectedRecord.DEPENDANT and row.pk == record_id else row.details
        for row in rows(Dependant)
    ]
    facts = build_facts(
        case.facts,
        threats=threats,
        prosecutions=prosecutions,
        dependants=dependants,
        assessed_on=timezone.localdate(),
    )
    return contribute_facts(case, facts)


def _check_consent(details: Mapping[str, Any]) -> None:
    given_on = details.get("given_on")
    check_consent_purpose(
        details.get("purpose"),
        datetime.date.fromisoformat(str(given_on)) if given_on else None,
    )


@transaction.atomic
def record_correct(
    *,
    membership: Membership,
    case: Case,
    kind: str,
    record_id: uuid.UUID,
    details: Mapping[str, Any],
    reason: str,
    narrative: str | None = None,
    submission_token: uuid.UUID | None = None,
) -> RecordCorrection:
    """
    Correct one threat, prosecution, dependant or consent of ``case``.

    What the record said before is kept, encrypted, in a ``RecordCorrection`` with the reason,
    the member and the time; the record then says the corrected thing (the engines read it). A
    corrected threat, prosecution or dependant is checked with the whole facts first, like a new
    one. Permission: CASE_EDIT on the case (404 otherwise, also for a record of another case).
    Side effect: one ``case.record_corrected`` event with the kind and ids (never the content).
    Raises CaseError for a short reason, no change, a withdrawn consent or facts that fail.
    """
    if not permits(membership, Permission.CASE_EDIT, case):
        raise Http404
    if kind not in CORRECTABLE:
        raise Http404
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    cleaned_reason = required_reason(reason)
    model = CORRECTABLE[kind]
    with keyring_scope():
        record: Any = model.objects.select_for_update().filter(case=case, pk=record_id).first()
        if record is None:
            raise Http404
        record.case = case
        new_details = dict(details)
        if kind == CorrectedRecord.CONSENT:
            # The correction form edits purpose, date and scope; how and in which language the
            # consent was given stay as recorded.
            new_details = {**(record.details or {}), **new_details}
        previous: dict[str, Any] = {"details": record.details}
        if kind == CorrectedRecord.THREAT:
            previous["narrative"] = record.narrative
            new_narrative = (narrative or "").strip() or None
            unchanged = new_details == record.details and new_narrative == record.narrative
        else:
            new_narrative = None
            unchanged = new_details == record.details
        if unchanged:
            raise CaseError(NOTHING_CORRECTED)
        if kind == CorrectedRecord.CONSENT:
            if record.withdrawn_at is not None:
                raise CaseError(WITHDRAWN_CONSENT_IS_FINAL)
            _check_consent(new_details)
        else:
            raise_problems(
                parse_problems(_facts_with(case, kind, record.pk, new_details, new_narrative))
            )
        correction = RecordCorrection(
            **on_case(case, membership),
            record_kind=kind,
            record_id=record.pk,
            previous=previous,
            reason=cleaned_reason,
        )
        correction.save()
        record.details = new_details
        fields = ["details"]
        if kind == CorrectedRecord.THREAT:
            record.narrative = new_narrative
            fields.append("narrative")
        record.save(update_fields=fields)
    touch(case)
    record_action(
        EventType.RECORD_CORRECTED,
        membership,
        case,
        {"record": kind, "record_id": record.pk, "correction_id": correction.pk},
    )
    return correction
