"""
Every record of one case for the case page (``case_records``: one compiled read per table that
holds a row, ``CaseRecords`` and its timeline), the notes, and one attachment or consent by id.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from haven.accounts.compiled import CompiledRead
from haven.cases.facts_mapping import build_facts
from haven.cases.models import (
    Assessment,
    AssessmentDecision,
    Assignment,
    Attachment,
    Case,
    Consent,
    Dependant,
    Note,
    Prosecution,
    RecordCorrection,
    StatusChange,
    Threat,
)
from haven.cases.reading import already_known
from haven.cases.selectors.case import _record_get
from haven.cases.selectors.common import _check_sees
from haven.cases.selectors.presence import RECORD_TABLES, _holds
from haven.organisations.models import Membership


def notes_for_case(*, membership: Membership | None, case: Case) -> QuerySet[Note]:
    """Return the notes of a case, for a member who may see it (404 otherwise, AZ-02)."""
    _check_sees(membership, case)
    return Note.objects.filter(case=case, organisation_id=case.organisation_id).order_by(
        "created_at"
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened on a case, for the case page (``when``: ``at`` in words,
    put there by the page that shows it)."""

    kind: str
    at: Any
    record: Any
    when: str = ""


@dataclass(frozen=True)
class CaseRecords:
    """Every record of one case, each table read once, for the case page."""

    threats: list[Threat]
    prosecutions: list[Prosecution]
    dependants: list[Dependant]
    consents: list[Consent]
    assessments: list[Assessment]
    decisions: list[AssessmentDecision]
    corrections: list[RecordCorrection]
    status_changes: list[StatusChange]
    attachments: list[Attachment]
    notes: list[Note]
    assignments: list[Assignment]

    def shown_facts(self, case: Case) -> dict[str, Any]:
        """
        The facts the case page shows: the case's own document with its dependants, as ``facts``
        builds them, without the threats and prosecutions the page lists from their own rows (so
        no threat's narrative is decrypted for the facts card).
        """
        return build_facts(case.facts, dependants=[item.details for item in self.dependants])

    def timeline(self) -> list[TimelineEntry]:
        """Threats, assessments, status changes, notes, consents and files, newest first."""
        entries = [
            TimelineEntry(kind, record.recorded_at, record)
            for kind, records in (
                ("threat", self.threats),
                ("assessment", self.assessments),
                ("decision", self.decisions),
                ("correction", self.corrections),
                ("status", self.status_changes),
                ("consent", self.consents),
                ("prosecution", self.prosecutions),
                ("dependant", self.dependants),
                ("attachment", self.attachments),
            )
            for record in records
        ]
        entries.extend(TimelineEntry("note", note.created_at, note) for note in self.notes)
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return entries


#: Columns no reader of ``case_records`` shows or uses: the facts an assessment was run on and
#: its engine messages are read on the assessment's own page, never decrypted for the case page.
UNSHOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "assessments": ("facts_input", "output_messages", "staff_decision"),
}


def _record_query(name: str) -> Callable[..., QuerySet[Any]]:
    """
    The read of table ``name``'s rows of one case of one organisation, oldest first: the case
    and the organisation are its two parameters, so it is compiled once per process (issue 17).
    """
    model: Any = RECORD_TABLES[name]

    def query(*, case: uuid.UUID, organisation: uuid.UUID) -> QuerySet[Any]:
        rows: QuerySet[Any] = model.objects.filter(case_id=case, organisation_id=organisation)
        if name == "notes":
            # Only the author's name is shown: no user row is built per note.
            named: QuerySet[Any] = rows.annotate(author_name=F("author__username"))
            return named.order_by("created_at")
        return rows.defer(*UNSHOWN_COLUMNS.get(name, ())).order_by("recorded_at")

    return query


#: Each record table's read, compiled at its first use (ids no row has stand for the case and
#: its organisation). Assignments are read through the ORM: their rows bring the member's user.
_RECORD_READS: dict[str, CompiledRead[Any]] = {
    name: CompiledRead(_record_query(name), case=uuid.UUID(int=0), organisation=uuid.UUID(int=1))
    for name in RECORD_TABLES
    if name != "assignments"
}


def case_records(*, membership: Membership | None, case: Case) -> CaseRecords:
    """
    Read every record of a case (``case`` comes from ``case_get``): one query per table, none
    for a table that ``case_get(with_records=True)`` found empty. A note carries its author's
    name as ``author_name``.
    """

    def rows(name: str) -> list[Any]:
        if not getattr(case, _holds(name), True):
            return []
        records = _RECORD_READS[name](case=case.pk, organisation=case.organisation_id)
        for record in records:
            record.case = case  # the case's key is already at hand: no query per row
        return records

    records = CaseRecords(
        threats=rows("threats"),
        prosecutions=rows("prosecutions"),
        dependants=rows("dependants"),
        consents=rows("consents"),
        assessments=rows("assessments"),
        decisions=rows("decisions"),
        corrections=rows("corrections"),
        status_changes=rows("status_changes"),
        attachments=rows("attachments"),
        notes=rows("notes"),
        assignments=list(
            case.assignments.select_related("membership__user").order_by("assigned_at")
        )
        if getattr(case, _holds("assignments"), True)
        else [],
    )
    # The page's panels ask for the latest assessment: it is the last of the rows just read.
    already_known(
        _latest_assessment_key(case), records.assessments[-1] if records.assessments else None
    )
    return records


def _latest_assessment_key(case: Case) -> tuple[str, Any]:
    return ("latest assessment", case.pk)


def attachment_get(*, membership: Membership | None, attachment_id: uuid.UUID) -> Attachment:
    """Return one attachment of a case the member may see, or 404."""
    attachment: Attachment = _record_get(membership, Attachment, attachment_id)
    return attachment


def consent_get(*, membership: Membership | None, consent_id: uuid.UUID) -> Consent:
    """Return one consent record of a case the member may see, or 404."""
    consent: Consent = _record_get(membership, Consent, consent_id)
    return consent
