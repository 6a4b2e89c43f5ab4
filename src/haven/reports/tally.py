"""
The SQL that keeps ``reports_casetally`` in step with the cases table, for SQLite and PostgreSQL.

SQLite drops a table's triggers when Django rebuilds the table to alter it, so the triggers are
installed by the migration and checked again after every ``migrate`` (``ReportsConfig``): each
statement is safe to run twice (``haven.reports.triggers``).
"""

from haven.reports.triggers import TriggeredTally

CELL_SQLITE = "{row}.organisation_id, {row}.status, {row}.urgency, substr({row}.created_at, 1, 7)"
ADD_SQLITE = (
    "INSERT INTO reports_casetally (organisation_id, status, urgency, month, cases) "
    "VALUES ({cell}, 1) ON CONFLICT (organisation_id, status, urgency, month) "
    "DO UPDATE SET cases = cases + 1;"
)
REMOVE_SQLITE = (
    "UPDATE reports_casetally SET cases = cases - 1 WHERE organisation_id = {row}.organisation_id "
    "AND status = {row}.status AND urgency = {row}.urgency "
    "AND month = substr({row}.created_at, 1, 7);"
)
SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS reports_case_added AFTER INSERT ON cases_case BEGIN "
    + ADD_SQLITE.format(cell=CELL_SQLITE.format(row="NEW"))
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS reports_case_removed AFTER DELETE ON cases_case BEGIN "
    + REMOVE_SQLITE.format(row="OLD")
    + " END;",
    "CREATE TRIGGER IF NOT EXISTS reports_case_changed AFTER UPDATE OF organisation_id, status, urgency, "
    "created_at ON cases_case BEGIN "
    + REMOVE_SQLITE.format(row="OLD")
    + " "
    + ADD_SQLITE.format(cell=CELL_SQLITE.format(row="NEW"))
    + " END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reports_case_added;",
    "DROP TRIGGER IF EXISTS reports_case_removed;",
    "DROP TRIGGER IF EXISTS reports_case_changed;",
]

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION reports_case_tally() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE reports_casetally SET cases = cases - 1
            WHERE organisation_id = OLD.organisation_id AND status = OLD.status
              AND urgency = OLD.urgency
              AND month = to_char(OLD.created_at AT TIME ZONE 'UTC', 'YYYY-MM');
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO reports_casetally (organisation_id, status, urgency, month, cases)
            VALUES (NEW.organisation_id, NEW.status, NEW.urgency,
                    to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM'), 1)
            ON CONFLICT (organisation_id, status, urgency, month)
            DO UPDATE SET cases = reports_casetally.cases + 1;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    "DROP TRIGGER IF EXISTS reports_case_tally ON cases_case;",
    "CREATE TRIGGER reports_case_tally AFTER INSERT OR DELETE OR UPDATE OF organisation_id, "
    "status, urgency, created_at ON cases_case FOR EACH ROW EXECUTE FUNCTION reports_case_tally();",
]
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
    "FROM cases_case GROUP BY 1, 2, 3, 4;"
)


CASE_TALLY = TriggeredTally(
    table="reports_casetally",
    create={"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE},
    drop={"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP},
    recount={vendor: BACKFILL.format(month=month) for vendor, month in MONTH.items()},
)
