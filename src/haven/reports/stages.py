"""
How long cases stayed in each stage, counted by the database as the lifecycle moves them.

Each ``StatusChange`` closes one stay of a case in a stage (``from_status``): it began at the
case's previous change, or at its opening for the first one. A trigger on the status-change table
puts each new change's duration in a bucket and adds one to ``StageTally`` for its organisation,
stage and bucket, in the same transaction, whoever makes the move; a move inserted before a later
one (a restore goes in id order) moves the later one's count to its new bucket. The report reads a few dozen
tally rows, so its cost does not grow with the number of moves (measured by ``bench/reports.py``).

Moves are counted once and stay counted: a case erased later keeps its moves in these counts (they
are numbers only, with no identifier of a case). A restore or an import of older moves is put
right by ``STAGE_TALLY.rebuild``, which counts every move again with a window function.
"""

from haven.reports.triggers import TriggeredTally

#: Buckets of days spent in a stage: (key, upper bound in days, exclusive); the last has none.
BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("week", 7),
    ("month", 28),
    ("quarter", 91),
    ("longer", None),
)


def _bucket(days: str) -> str:
    whens = " ".join(
        f"WHEN {days} < {bound} THEN '{key}'" for key, bound in BUCKETS if bound is not None
    )
    return f"CASE {whens} ELSE '{BUCKETS[-1][0]}' END"


_PREVIOUS = (
    "(SELECT MAX(p.recorded_at) FROM cases_statuschange p "
    "WHERE p.case_id = NEW.case_id AND p.recorded_at < NEW.recorded_at)"
)
_OPENED = "(SELECT c.created_at FROM cases_case c WHERE c.id = NEW.case_id)"
_START = f"COALESCE({_PREVIOUS}, {_OPENED})"
_NEXT = (
    "(SELECT n.{column} FROM cases_statuschange n "
    "WHERE n.case_id = NEW.case_id AND n.recorded_at > NEW.recorded_at "
    "ORDER BY n.recorded_at LIMIT 1)"
)
_NEXT_AT = _NEXT.format(column="recorded_at")
_NEXT_STAGE = _NEXT.format(column="from_status")
_ADD = (
    "INSERT INTO reports_stagetally (organisation_id, stage, bucket, moves) "
    "SELECT NEW.organisation_id, {stage}, {bucket}, 1 WHERE {stage} IS NOT NULL "
    "ON CONFLICT (organisation_id, stage, bucket) DO UPDATE SET moves = {table}moves + 1;"
)
_SUBTRACT = (
    "UPDATE reports_stagetally SET moves = moves - 1 WHERE organisation_id = NEW.organisation_id "
    "AND stage = {stage} AND bucket = {bucket};"
)
#: Days from ``{start}`` to ``{end}`` as each vendor counts them: the trigger and the recount both
#: read it, so a rebuild puts every move in the bucket the trigger chose.
SPAN = {
    "sqlite": "(julianday({end}) - julianday({start}))",
    "postgresql": "(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)",
}


def _statements(vendor: str, table: str) -> str:
    """
    The trigger's body. A move inserted between two others (a restore inserts rows in id order,
    not in time order) splits the next move's stay in two: the next move's old duration is taken
    away and its new one added, so the tally ends the same whatever the order of the inserts.
    """
    span = SPAN[vendor]
    return " ".join(
        [
            _SUBTRACT.format(
                stage=_NEXT_STAGE, bucket=_bucket(span.format(end=_NEXT_AT, start=_START))
            ),
            _ADD.format(
                stage=_NEXT_STAGE,
                bucket=_bucket(span.format(end=_NEXT_AT, start="NEW.recorded_at")),
                table=table,
            ),
            _ADD.format(
                stage="NEW.from_status",
                bucket=_bucket(span.format(end="NEW.recorded_at", start=_START)),
                table=table,
            ),
        ]
    )


SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS reports_stage_moved AFTER INSERT ON cases_statuschange BEGIN "
    + _statements("sqlite", "")
    + " END;"
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS reports_stage_moved;"]

POSTGRES_CREATE = [
    "CREATE OR REPLACE FUNCTION reports_stage_tally() RETURNS trigger AS $$ BEGIN "
    + _statements("postgresql", "reports_stagetally.")
    + " RETURN NULL; END; $$ LANGUAGE plpgsql;",
    "DROP TRIGGER IF EXISTS reports_stage_tally ON cases_statuschange;",
    "CREATE TRIGGER reports_stage_tally AFTER INSERT ON cases_statuschange "
    "FOR EACH ROW EXECUTE FUNCTION reports_stage_tally();",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS reports_stage_tally ON cases_statuschange;",
    "DROP FUNCTION IF EXISTS reports_stage_tally();",
]

_LAG_START = (
    "COALESCE(LAG(sc.recorded_at) OVER (PARTITION BY sc.case_id ORDER BY sc.recorded_at), "
    "c.created_at)"
)
_BACKFILL = (
    "INSERT INTO reports_stagetally (organisation_id, stage, bucket, moves) "
    "SELECT organisation_id, from_status, {bucket}, COUNT(*) FROM ("
    " SELECT c.organisation_id AS organisation_id, sc.from_status AS from_status, {days} AS days"
    " FROM cases_statuschange sc JOIN cases_case c ON c.id = sc.case_id"
    ") moves GROUP BY 1, 2, 3;"
)


STAGE_TALLY = TriggeredTally(
    table="reports_stagetally",
    create={"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE},
    drop={"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP},
    recount={
        vendor: _BACKFILL.format(
            bucket=_bucket("days"), days=span.format(end="sc.recorded_at", start=_LAG_START)
        )
        for vendor, span in SPAN.items()
    },
)
