"""
The case's record tables, and whether each holds a row of a case: asked in the query that reads
the case (``case_get(with_records=True)``), so that ``case_records`` reads only the tables that do.
"""

from typing import Any

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

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
