"""
The SQL that keeps ``reports_casetally`` in step with the cases table, for SQLite and PostgreSQL.

Only live cases count: a case an unfinished import staged (``Case.staged``) is nobody's yet
(``haven.cases.access``), so the triggers add a case only while it is not staged, take one away
only if it was not, and move a case between cells on an update by both rules; releasing an
import (``staged`` set to false) therefore adds its cases once, and abandoning it (deleting
staged cases) takes nothing away. ``staged`` is a boolean on PostgreSQL and 0 or 1 on SQLite;
``NOT staged`` reads both.

SQLite drops a table's triggers when Django rebuilds the table to alter it, so the triggers are
installed by the migration and checked again after every ``migrate`` (``ReportsConfig``): each
statement is safe to run twice (``haven.reports.triggers``).
"""

from haven.reports.triggers import TriggeredTally

CELL_SQLITE = "{row}.organisation_id, {row}.status, {row}.urgency, substr({row}.created_at, 1, 7)"
ON_CONFLICT_SQLITE = (
    "ON CONFLICT (organisation_id, status, urgency, month) DO UPDATE SET cases = cases + 1;"
)
REMOVE_SQLITE = (
    "UPDATE reports_casetally SET cases = cases - 1 WHERE organisation_id = {row}.organisation_id "
    "AND status = {row}.status AND urgency = {row}.urgency "
    "AND month = substr({row}.created_at, 1, 7)"
)
#: The columns whose change moves a case between cells (or in or out of the tally).
CELL_COLUMNS = "organisation_id, status, urgency, created_at"

# The first triggers (migration 0002, written before cases could be staged): every case counts.
# Kept as they were so that 0002 installs what the cases table of its time can run, and so that
# 0005 can put them back when it is reversed.
_ADD_ANY_SQLITE = (
    "INSERT INTO reports_casetally (organisation_id, status, urgency, month, cases) "
    "VALUES ({cell}, 1) " + ON_CONFLICT_SQLITE
)
SQLITE_CREATE_COUNTING_STAGED = [
    "CREATE TRIGGER IF NOT EXISTS reports_case_added AFTER INSERT ON cases_case BEGIN "
    + _ADD_ANY_SQLITE.format(cell=CELL_SQLITE.format(row="NEW"))
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS reports_case_removed AFTER DELETE ON cases_case BEGIN "
    + REMOVE_SQLITE.format(row="OLD")
    + "; END;",
    f"CREATE TRIGGER IF NOT EXISTS reports_case_changed AFTER UPDATE OF {CELL_COLUMNS} "
    "ON cases_case BEGIN "
    + REMOVE_SQLITE.format(row="OLD")
    + "; "
    + _ADD_ANY_SQLITE.format(cell=CELL_SQLITE.format(row="NEW"))
    + " END;",
]

# Live cases only. SQLite's upsert from a SELECT needs the WHERE it has here.
_ADD_LIVE_SQLITE = (
    "INSERT INTO reports_casetally (organisation_id, status, urgency, month, cases) "
    "SELECT {cell}, 1 WHERE NOT {row}.staged " + ON_CONFLICT_SQLITE
)
SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS reports_case_added AFTER INSERT ON cases_case "
    "WHEN NOT NEW.staged BEGIN "
    + _ADD_LIVE_SQLITE.format(cell=CELL_SQLITE.format(row="NEW"), row="NEW")
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS reports_case_removed AFTER DELETE ON cases_case "
    "WHEN NOT OLD.staged BEGIN " + REMOVE_SQLITE.format(row="OLD") + "; END;",
    f"CREATE TRIGGER IF NOT EXISTS reports_case_changed AFTER UPDATE OF {CELL_COLUMNS}, staged "
    "ON cases_case BEGIN "
    + REMOVE_SQLITE.format(row="OLD")
    + " AND NOT OLD.staged; "
    + _ADD_LIVE_SQLITE.format(cell=CELL_SQLITE.format(row="NEW"), row="NEW")
    + " END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reports_case_added;",
    "DROP TRIGGER IF EXISTS reports_case_removed;",
    "DROP TRIGGER IF EXISTS reports_case_changed;",
]

_REMOVE_POSTGRES = """
            UPDATE reports_casetally SET cases = cases - 1
            WHERE organisation_id = OLD.organisation_id AND status = OLD.status
              AND urgency = OLD.urgency
              AND month = to_char(OLD.created_at AT TIME ZONE 'UTC', 'YYYY-MM');"""
_ADD_POSTGRES = """
            INSERT INTO reports_casetally (organisation_id, status, urgency, month, cases)
            VALUES (NEW.organisation_id, NEW.status, NEW.urgency,
                    to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM'), 1)
            ON CONFLICT (organisation_id, status, urgency, month)
            DO UPDATE SET cases = reports_casetally.cases + 1;"""


def _postgres_create(*, old_counts: str, new_counts: str, columns: str) -> list[str]:
    """The trigger function and trigger; ``old_counts``/``new_counts``: when a row is counted."""
    return [
        f"""
    CREATE OR REPLACE FUNCTION reports_case_tally() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          IF {old_counts} THEN{_REMOVE_POSTGRES}
          END IF;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          IF {new_counts} THEN{_ADD_POSTGRES}
          END IF;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
        "DROP TRIGGER IF EXISTS reports_case_tally ON cases_case;",
        f"CREATE TRIGGER reports_case_tally AFTER INSERT OR DELETE OR UPDATE OF {columns} "
        "ON cases_case FOR EACH ROW EXECUTE FUNCTION reports_case_tally();",
    ]


POSTGRES_CREATE_COUNTING_STAGED = _postgres_create(
    old_counts="TRUE", new_counts="TRUE", columns=CELL_COLUMNS
)
POSTGRES_CREATE = _postgres_create(
    old_counts="NOT OLD.staged", new_counts="NOT NEW.staged", columns=f"{CELL_COLUMNS}, staged"
)
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS reports_case_tally ON cases_case;",
    "DROP FUNCTION IF EXISTS reports_case_tally();",
]

#: The month a case was opened in ("2026-03"), as each vendor writes it, for the recount.
MONTH = {
    "sqlite": "substr(created_at, 1, 7)",
    "postgresql": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')",
}
BACKFILL = (
    "INSERT INTO reports_casetally (organisation_id, status, urgency, month, cases) "
    "SELECT organisation_id, status, urgency, {month}, COUNT(*) "
    "FROM cases_case {where}GROUP BY 1, 2, 3, 4;"
)


CASE_TALLY = TriggeredTally(
    table="reports_casetally",
    create={"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE},
    drop={"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP},
    recount={
        vendor: BACKFILL.format(month=month, where="WHERE NOT staged ")
        for vendor, month in MONTH.items()
    },
)
"""Today's triggers and recount: live cases only (migration 0005, ``ReportsConfig``)."""

CASE_TALLY_COUNTING_STAGED = TriggeredTally(
    table="reports_casetally",
    create={"sqlite": SQLITE_CREATE_COUNTING_STAGED, "postgresql": POSTGRES_CREATE_COUNTING_STAGED},
    drop={"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP},
    recount={vendor: BACKFILL.format(month=month, where="") for vendor, month in MONTH.items()},
)
"""The first triggers, which counted staged cases too: migration 0002, and 0005 reversed."""
