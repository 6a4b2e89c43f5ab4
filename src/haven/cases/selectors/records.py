"""
Every record of one case for the case page (``case_records``: one compiled read per table that
holds a row, ``CaseRecords`` and its timeline), which tables hold a row of a case (asked in the
query that reads the case, ``case_get(with_records=True)``), and the notes.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL

from haven.accounts.compiled import CompiledRead
from haven.accounts.round_trips import read_together
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
from haven.organisations.models import Membership


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened on a case, for the case page (``when``: ``at`` in words,
    ``heading`` the kind's and ``tension`` the tension flag's words, put there by the page that
    shows it)."""

    kind: str
    at: Any
    record: Any
    when: str = ""
    heading: str = ""
    tension: str = ""


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


#: The tables ``case_records`` reads, by the name ``CaseRecords`` gives their rows.
RECORD_TABLES: dict[str, Any] = {
    "threats": Threat,
    "prosecutions": Prosecution,
    "dependants": Dependant,
    "consents": Consent,
    "assessments": Assessment,
    "decisions": AssessmentDecision,
    "corrections": RecordCorrection,
    "status_changes": StatusChange,
    "attachments": Attachment,
    "notes": Note,
    "assignments": Assignment,
}
#: Columns no reader of ``case_records`` shows or uses: the facts an assessment was run on and
#: its engine messages are read on the assessment's own page, never decrypted for the case page.
UNSHOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "assessments": ("facts_input", "output_messages", "staff_decision"),
}


def _holds(name: str) -> str:
    return f"holds_{name}"


#: ``_record_presence``'s expressions, by database vendor: built at the first case page only.
_PRESENCE: dict[str, dict[str, RawSQL]] = {}


def _record_presence() -> dict[str, RawSQL]:
    """
    For ``case_get(with_records=True)``: whether each record table has a row of the case, as
    one ``EXISTS`` on its indexed ``case_id`` each. Written as SQL because the ORM's ``Exists``
    compiles a whole subquery per table on every request, which cost more than the reads saved;
    built once per process, as nothing in it changes between requests.
    """
    if connection.vendor not in _PRESENCE:
        quote = connection.ops.quote_name
        case_id = f"{quote(Case._meta.db_table)}.{quote('id')}"
        # Only table and column names from the models' own metadata, quoted: no outside input.
        _PRESENCE[connection.vendor] = {
            _holds(name): RawSQL(  # noqa: S611
                f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote('case_id')} = {case_id})",  # noqa: S608
                (),
                output_field=BooleanField(),
            )
            for name, model in RECORD_TABLES.items()
        }
    return dict(_PRESENCE[connection.vendor])


def _record_query(name: str) -> Callable[..., QuerySet[Any]]:
    """
    The read of table ``name``'s rows of one case of one organisation, oldest first: the case
    and the organisation are its two parameters, so it is compiled once per process (issue 17).
    An assignment has no organisation of its own: the team is read by its case alone, each
    member with their user (the page shows their names, the API their memberships).
    """
    model: Any = RECORD_TABLES[name]

    def query(*, case: uuid.UUID, organisation: uuid.UUID | None = None) -> QuerySet[Any]:
        if name == "assignments":
            team: QuerySet[Any] = model.objects.filter(case_id=case)
            return team.select_related("membership__user").order_by("assigned_at")
        rows: QuerySet[Any] = model.objects.filter(case_id=case, organisation_id=organisation)
        if name == "notes":
            # Only the author's name is shown: no user row is built per note.
            named: QuerySet[Any] = rows.annotate(author_name=F("author__username"))
            return named.order_by("created_at")
        return rows.defer(*UNSHOWN_COLUMNS.get(name, ())).order_by("recorded_at")

    return query


#: Each record table's read, compiled at its first use (ids no row has stand for the case and
#: its organisation).
_RECORD_READS: dict[str, CompiledRead[Any]] = {
    name: CompiledRead(_record_query(name), case=uuid.UUID(int=0))
    if name == "assignments"
    else CompiledRead(_record_query(name), case=uuid.UUID(int=0), organisation=uuid.UUID(int=1))
    for name in RECORD_TABLES
}


def _values(name: str, case: Case) -> dict[str, Any]:
    """The values of table ``name``'s read for ``case``."""
    if name == "assignments":
        return {"case": case.pk}
    return {"case": case.pk, "organisation": case.organisation_id}


def case_records(*, membership: Membership | None, case: Case) -> CaseRecords:
    """
    Read every record of a case (``case`` comes from ``case_get``): one query per table, none
    for a table that ``case_get(with_records=True)`` found empty, all sent in one round trip on
    PostgreSQL (``haven.accounts.round_trips``). A note carries its author's name as ``author_name``.
    """
    holding = [name for name in RECORD_TABLES if getattr(case, _holds(name), True)]
    calls = [(_RECORD_READS[name], _values(name, case)) for name in holding]
    # The case page's event rides in the same round trip, if one waits (``appends_riding``).
    read = read_together(calls)
    found: dict[str, list[Any]] = {name: [] for name in RECORD_TABLES}
    for name, rows in zip(holding, read, strict=True):
        for record in rows:
            record.case = case  # the case's key is already at hand: no query per row
        found[name] = rows
    records = CaseRecords(**found)
    # The page's panels ask for the latest assessment: it is the last of the rows just read.
    already_known(
        _latest_assessment_key(case), records.assessments[-1] if records.assessments else None
    )
    return records


def _latest_assessment_key(case: Case) -> tuple[str, Any]:
    return ("latest assessment", case.pk)
