"""
How the two regimes meet: the organisation's cases counted by where the temporary relocation
regime and the refugee regime left each defender (``haven.asylum.regimes``).

The page reads ``RegimeTally``, counts the asylum app keeps as its records change, so nothing here
decrypts a field or reads a row of a person; every table goes through the same small-cell
suppression as the analyst's report (no count from 1 to 4 anywhere, on the page or in a CSV).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.asylum.models import RegimeTally
from haven.domain.asylum_procedure import AsylumSide, RegimeOutcome, StaySide, regime_outcome
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.reports.tables import ReportTable, report_table

OUTCOME_LABELS: dict[RegimeOutcome, Promise] = {
    RegimeOutcome.RETURNED: _("Returned"),
    RegimeOutcome.CLAIMED_ASYLUM: _("Claimed asylum, no final answer yet"),
    RegimeOutcome.RECOGNISED: _("Recognised as a refugee"),
    RegimeOutcome.COMPLEMENTARY_PROTECTION: _("Complementary protection"),
    RegimeOutcome.REFUSED: _("Refused"),
    RegimeOutcome.RESETTLED: _("Resettled"),
}
STILL_OPEN = "still_open"
STAY_LABELS: dict[StaySide, Promise] = {
    StaySide.NO_STAY: _("No stay"),
    StaySide.IN_STAY: _("In or before the stay"),
    StaySide.RETURNED: _("Returned"),
    StaySide.RELOCATED_AGAIN: _("Relocated again"),
    StaySide.SOUGHT_ASYLUM: _("Sought asylum"),
    StaySide.RESETTLED: _("Resettled"),
    StaySide.ENDED_EARLY: _("Stay ended early"),
}
ASYLUM_LABELS: dict[AsylumSide, Promise] = {
    AsylumSide.NO_CLAIM: _("No claim"),
    AsylumSide.CLAIM_PENDING: _("Claim pending"),
    AsylumSide.RECOGNISED: _("Recognised as a refugee"),
    AsylumSide.COMPLEMENTARY_PROTECTION: _("Complementary protection"),
    AsylumSide.REFUSED: _("Refused"),
}


@dataclass(frozen=True)
class RegimesReport:
    organisation_name: str
    as_of: date
    tables: tuple[ReportTable, ...]


def regimes_report(*, membership: Membership) -> RegimesReport:
    """
    Both regimes' outcomes, counted and suppressed. Permission: ``reports.view`` (analysts and
    coordinators); anyone else gets 404.
    """
    if not may(membership, Permission.VIEW_REPORTS):
        raise Http404
    cells = RegimeTally.objects.filter(
        organisation_id=membership.organisation_id, cases__gt=0
    ).values_list("stay_side", "asylum_side", "cases")
    by_outcome: Counter[str] = Counter()
    by_pair: Counter[tuple[str, str]] = Counter()
    for stay, asylum, count in cells:
        outcome = regime_outcome(StaySide(stay), AsylumSide(asylum))
        by_outcome[outcome.value if outcome else STILL_OPEN] += count
        by_pair[(stay, asylum)] += count
    outcome_rows = [
        *((outcome.value, label) for outcome, label in OUTCOME_LABELS.items()),
        (STILL_OPEN, _("Still open")),
    ]
    tables = (
        report_table(
            slug="regime-outcomes",
            title=_("Both regimes' outcome per case"),
            row_heading=_("Outcome"),
            counts={(key, "count"): by_outcome.get(key, 0) for key, _label in outcome_rows},
            rows=outcome_rows,
            columns=[("count", _("Cases"))],
        ),
        report_table(
            slug="stay-by-asylum",
            title=_("How the stay ended, by where the asylum claim stands"),
            row_heading=_("Relocation"),
            counts=by_pair,
            rows=[(side.value, label) for side, label in STAY_LABELS.items()],
            columns=[(side.value, label) for side, label in ASYLUM_LABELS.items()],
        ),
    )
    return RegimesReport(membership.organisation.name, timezone.localdate(), tables)
