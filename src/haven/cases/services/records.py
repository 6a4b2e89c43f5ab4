"""
A case's own records: its facts document and settings, notes, and the threat, prosecution and
dependant rows. Every row is checked with the engines' parser as part of the whole facts first.
"""

import datetime
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from haven.accounts.acting import Acting, acting_user, record_action
from haven.audit.events import EventType
from haven.cases.models import URGENCY_RANK, Case, Dependant, Note, Prosecution, Threat, Urgency
from haven.cases.services.guards import (
    check_live,
    check_permitted,
    check_urgency,
    facts_problems,
    on_case,
    raise_problems,
    touch,
)
from haven.cases.services.receipts import form_receipt_claim
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope


@transaction.atomic
def case_update(
    *,
    membership: Acting,
    case: Case,
    facts: Mapping[str, Any] | None = None,
    external_reference: str | None = None,
) -> Case:
    """
    Replace a case's facts and/or external reference. Permission: CASE_EDIT on the case (Http404
    otherwise). Side effect: one ``case.updated`` event.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    check_live(case)
    changed = []
    with keyring_scope():
        if facts is not None:
            case.facts = dict(facts)
            changed.append("facts")
        if external_reference is not None:
            case.external_reference = external_reference
            changed.append("external_reference")
        case.save()
        record_action(EventType.CASE_UPDATED, membership, case, {"fields": changed})
    return case


@transaction.atomic
def note_add(
    *, membership: Acting, case: Case, body: str, submission_token: uuid.UUID | None = None
) -> Note:
    """
    Add a note encrypted under the case's key. Permission: CASE_EDIT on the case (Http404
    otherwise). Side effect: one ``case.note_added`` event.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    with keyring_scope():
        note = Note(
            case=case,
            organisation_id=case.organisation_id,
            author=acting_user(membership),
            body=body,
        )
        note.save()
        record_action(EventType.NOTE_ADDED, membership, case, {"note_id": note.pk})
    return note


@transaction.atomic
def threat_record(
    *,
    membership: Membership,
    case: Case,
    details: Mapping[str, Any],
    narrative: str | None = None,
    submission_token: uuid.UUID | None = None,
) -> Threat:
    """
    Add a threat or incident (case-facts threat fields, encrypted) with its encrypted narrative.

    The whole facts document is checked with the engines' parser first (schema and semantic
    checks: a threat dated after today, a response without a report, ...). Permission: CASE_EDIT
    on the case (Http404 otherwise). Side effect: one ``case.threat_recorded`` event. Raises
    CaseError listing every problem; nothing is saved.
    """
    entry = {**details, "note": narrative} if narrative else dict(details)
    return _fact_row_record(
        Threat,
        membership,
        case,
        details,
        submission_token,
        entry=entry,
        narrative=narrative or None,
    )


Row = TypeVar("Row", Threat, Prosecution, Dependant)

#: The rows kept beside a case's facts: the facts list each joins, and its audit event.
FACT_ROWS: dict[type[Threat | Prosecution | Dependant], tuple[str, EventType]] = {
    Threat: ("threats", EventType.THREAT_RECORDED),
    Prosecution: ("prosecutions", EventType.PROSECUTION_RECORDED),
    Dependant: ("dependants", EventType.DEPENDANT_RECORDED),
}


def _fact_row_record(
    model: type[Row],
    membership: Membership,
    case: Case,
    details: Mapping[str, Any],
    submission_token: uuid.UUID | None,
    *,
    entry: Mapping[str, Any] | None = None,
    **columns: Any,
) -> Row:
    """
    Claim the form's token, check ``entry`` (``details`` unless given) as one more entry of the
    model's facts list (``FACT_ROWS``), store the row encrypted with ``details`` and ``columns``,
    and audit it with the model's event. Permission: CASE_EDIT on the case (Http404 otherwise).
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    facts_key, event_type = FACT_ROWS[model]
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    raise_problems(facts_problems(membership, case, extra=(facts_key, dict(entry or details))))
    with keyring_scope():
        row = model(
            **on_case(case, membership),
            details=dict(details),
            **columns,
        )
        row.save()
    touch(case)
    record_action(event_type, membership, case, {f"{model._meta.model_name}_id": row.pk})
    return row


DetailsRow = TypeVar("DetailsRow", Prosecution, Dependant)


@transaction.atomic
def details_record(
    *,
    membership: Membership,
    case: Case,
    model: type[DetailsRow],
    details: Mapping[str, Any],
    submission_token: uuid.UUID | None = None,
) -> DetailsRow:
    """
    Add a prosecution or a dependant (``model``), a row of case-facts fields checked like a
    threat. Permission: CASE_EDIT on the case (Http404 otherwise). Side effect:
    ``case.prosecution_recorded`` or ``case.dependant_recorded``. Raises CaseError listing every
    problem; nothing is saved.
    """
    return _fact_row_record(model, membership, case, details, submission_token)


@transaction.atomic
def facts_section_update(
    *, membership: Membership, case: Case, section: str, values: Mapping[str, Any]
) -> Case:
    """
    Replace one section of the case's own facts document (defender profile, context, claim,
    relocation, or the vulnerability and capacity lists) and check the whole facts.

    Permission: CASE_EDIT on the case (Http404 otherwise). Side effect: one ``case.updated``
    event naming the section. Raises CaseError listing every problem the engines' parser finds;
    nothing is saved then.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    check_live(case)
    document = dict(case.facts or {"schema": "haven.case-facts/1"})
    if section == "exposure":
        for key in ("vulnerabilities", "capacities"):
            if values.get(key):
                document[key] = list(values[key])
            else:
                document.pop(key, None)
    else:
        kept = {}
        if section == "defender":
            kept = {"dependants": document.get("defender", {}).get("dependants")}
        new_section = {key: value for key, value in values.items() if value is not None}
        new_section.update({key: value for key, value in kept.items() if value})
        if new_section:
            document[section] = new_section
        else:
            document.pop(section, None)
    raise_problems(facts_problems(membership, case, document=document))
    with keyring_scope():
        case.facts = document
        case.updated_at = timezone.now()
        case.save()
    record_action(
        EventType.CASE_UPDATED, membership, case, {"fields": ["facts"], "section": section}
    )
    return case


@transaction.atomic
def case_settings_update(
    *, membership: Membership, case: Case, urgency: str, next_due_on: datetime.date | None
) -> Case:
    """
    Change a case's urgency and next due date (plain columns). Permission: CASE_EDIT on the case
    (Http404 otherwise). Side effect: ``case.updated``.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    check_live(case)
    check_urgency(urgency)
    touch(
        case,
        urgency=urgency,
        urgency_rank=URGENCY_RANK[Urgency(urgency)],
        next_due_on=next_due_on,
    )
    record_action(
        EventType.CASE_UPDATED,
        membership,
        case,
        {"fields": ["urgency", "next_due_on"], "urgency": urgency},
    )
    return case
