"""The case tally as stored, and as counted again from the cases themselves, for comparing."""

from haven.cases.models import Case
from haven.reports.models import CaseTally

#: A tally cell: organisation id, status, urgency and month ("YYYY-MM").
Cell = tuple[str, str, str, str]


def counted_from_cases() -> dict[Cell, int]:
    """What the tally should hold: every case no unfinished import has staged, by cell."""
    counted: dict[Cell, int] = {}
    for case in Case.objects.filter(staged=False).values(
        "organisation_id", "status", "urgency", "created_at"
    ):
        key = (
            str(case["organisation_id"]),
            case["status"],
            case["urgency"],
            case["created_at"].strftime("%Y-%m"),
        )
        counted[key] = counted.get(key, 0) + 1
    return counted


def tallied() -> dict[Cell, int]:
    """The tally's non-empty cells as stored."""
    return {
        (str(row.organisation_id), row.status, row.urgency, row.month): row.cases
        for row in CaseTally.objects.filter(cases__gt=0)
    }
