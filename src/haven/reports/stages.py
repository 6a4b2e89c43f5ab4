"""
How long cases stayed in each stage, counted in the database from the lifecycle's status changes.

Each ``StatusChange`` closes one stay of a case in a stage (``from_status``): it began at the
case's previous change, or at its opening for the first one. The query pairs each change with the
one before it (a window function, so no row of a case reaches Python), puts the duration in a
bucket and counts: the answer is a few dozen rows of counts, whatever the number of cases. Its cost
grows with the number of moves recorded, not with the page. Erased cases are left out, as in every
other table of the report.
"""

import uuid

from django.db import connection

#: Buckets of days spent in a stage: (key, upper bound in days, exclusive); the last has none.
BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("week", 7),
    ("month", 28),
    ("quarter", 91),
    ("longer", None),
)

_BUCKET_SQL = (
    "CASE "
    + " ".join(f"WHEN days < {bound} THEN '{key}'" for key, bound in BUCKETS if bound is not None)
    + f" ELSE '{BUCKETS[-1][0]}' END"
)

_DAYS = {
    "postgresql": "EXTRACT(EPOCH FROM (sc.recorded_at - {start})) / 86400.0",
    "sqlite": "julianday(sc.recorded_at) - julianday({start})",
}

_QUERY = (
    "SELECT from_status, {bucket} AS bucket, COUNT(*) FROM ("
    " SELECT sc.from_status AS from_status, {days} AS days"
    " FROM cases_statuschange sc JOIN cases_case c ON c.id = sc.case_id"
    " WHERE c.organisation_id = %s AND c.status <> %s"
    ") moves GROUP BY from_status, bucket"
)
_START = (
    "COALESCE(LAG(sc.recorded_at) OVER (PARTITION BY sc.case_id ORDER BY sc.recorded_at), "
    "c.created_at)"
)


def time_in_stage(organisation_id: uuid.UUID, *, erased: str) -> dict[tuple[str, str], int]:
    """Counts of stage stays by (stage, bucket) for one organisation's cases that are not erased."""
    days = _DAYS.get(connection.vendor)
    if days is None:
        raise NotImplementedError(connection.vendor)
    sql = _QUERY.format(bucket=_BUCKET_SQL, days=days.format(start=_START))
    key = organisation_id.hex if connection.vendor == "sqlite" else organisation_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, erased])
        return {(stage, bucket): count for stage, bucket, count in cursor.fetchall()}
