"""
The review of a matching run, in words: who would go where and why, who would not and why not,
and how the optimum compares with the greedy-by-urgency baseline a coordinator would do by hand.

The stored run names cases and windows by id; this module puts case codes and window names back,
and says the engines' keyed reasons (score components, exclusions, the matcher's reasons for the
unplaced) in the reader's language through ``haven.cases.engine_messages``. A run stored before
the matcher's reasons were keyed shows them in English, marked as such by the page.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.accounts import reading
from haven.accounts.models import User
from haven.cases.engine_messages import encode, render
from haven.cases.models import Urgency
from haven.cases.panels import Panel, panels_for
from haven.cases.vocabulary import term
from haven.domain.matching.explanation import NO_OPTIONS
from haven.domain.placement_fit import exclusion_message
from haven.organisations.models import Membership
from haven.programmes.matching_problem import tier_parts
from haven.programmes.models import IntakeWindow, MatchingRun
from haven.programmes.selectors import cases_by_id

COMPONENT_LABELS = {
    "preference": _("the defender's ranking"),
    "wishes": _("answers their wishes"),
    "needs": _("health needs provided for"),
    "language": _("working language"),
    "region": _("regional proximity"),
}


def _date(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return reading.date(value)


def exclusion_reason(
    code: str, entry: dict[str, Any], window_id: str, window: IntakeWindow | None
) -> str:
    """
    One exclusion in the reader's language, naming the reached countries and the dates where
    they are known: the placement-fit engine's keyed message (``exclusion_message``), translated.
    """
    leave_by = entry.get("must_leave_by")
    message = exclusion_message(
        code,
        reached=entry.get("reached", {}).get(window_id) or (),
        must_leave_by=datetime.date.fromisoformat(leave_by) if leave_by else None,
        stay_starts_on=window.stay_starts_on if window else None,
    )
    return render(encode(message))


def _named(encoded: Any, labels: dict[str, str]) -> Any:
    """An encoded matcher reason with each ``placement`` parameter (a window id) by its name."""
    if isinstance(encoded, dict) and "key" in encoded:
        params = {
            name: labels.get(value, value)
            if name == "placement" and isinstance(value, str)
            else _named(value, labels)
            for name, value in (encoded.get("params") or {}).items()
        }
        return {**encoded, "params": params}
    if isinstance(encoded, dict) and "parts" in encoded:
        return {**encoded, "parts": [_named(part, labels) for part in encoded["parts"]]}
    return encoded


RISK_SOURCES = {
    "assessment": _("the latest recorded assessment"),
    "engine": _("the engines on the current facts; no assessment recorded"),
}


TIER_WORDS = _("risk %(risk)s, urgency %(urgency)s")


def tier_reason(tier: int, risk_source: str | None) -> str:
    """Why a case has its tier, in words: its risk, where that risk comes from, its urgency."""
    risk_level, urgency = tier_parts(tier)
    source = RISK_SOURCES.get(risk_source or "", "")
    text = TIER_WORDS % {"risk": term(risk_level), "urgency": Urgency(urgency).label}
    return f"{text} ({source})" if source else str(text)


@dataclass
class ReviewRow:
    case_code: str
    case_id: str
    tier: int
    tier_reason: str = ""
    window: str = ""
    score: int = 0
    components: list[tuple[str, int]] = field(default_factory=list)
    fit_reasons: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: The matcher's reasons of a run stored before they were keyed: English as written.
    english_reasons: list[str] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    removed_by: str = ""
    removed_at: str = ""
    removed_reason: str = ""
    remove_form: Any = None


@dataclass
class RunReview:
    placements: list[ReviewRow]
    unplaced: list[ReviewRow]
    result: dict[str, Any]
    tiers: list[tuple[str, int, int]]
    removed: list[ReviewRow] = field(default_factory=list)


def _window_label(window: IntakeWindow | None) -> str:
    if window is None:
        return str(_("an intake window no longer in this run"))
    return f"{window.programme.name}: {window.name}"


def run_review(member: Membership, run: MatchingRun) -> RunReview:
    """Return the run's placements and unplaced applicants with their reasons, in words."""
    windows = {str(window.pk): window for window in run.windows.select_related("programme")}
    labels = {window_id: _window_label(window) for window_id, window in windows.items()}
    applicants = {entry["id"]: entry for entry in run.problem["applicants"]}
    detail = run.detail.get("applicants", {})
    cases = cases_by_id(membership=member, case_ids=applicants)

    def row(case_id: str) -> ReviewRow:
        case = cases.get(case_id)
        tier = int(applicants[case_id]["tier"])
        return ReviewRow(
            case_code=case.code if case else str(_("(case not visible)")),
            case_id=case_id if case else "",
            tier=tier,
            tier_reason=tier_reason(tier, detail.get(case_id, {}).get("risk_source")),
        )

    def in_words(text: str) -> str:
        for window_id, label in labels.items():
            text = text.replace(window_id, label)
        return text

    keyed_unplaced = run.detail.get("unplaced_messages", {})

    def exclusions(case_id: str) -> list[str]:
        entry = detail.get(case_id, {})
        return [
            f"{labels.get(window_id, '')}: "
            f"{exclusion_reason(code, entry, window_id, windows.get(window_id))}"
            for window_id, code in entry.get("excluded", {}).items()
        ]

    removals = run.detail.get("removed", {})
    names = dict(
        User.objects.filter(
            pk__in=[removal["by"] for removal in removals.values() if removal.get("by")]
        ).values_list("pk", "username")
    )
    placements = []
    removed = []
    for assignment in run.result["assignments"]:
        placed = row(assignment["applicant"])
        placed.reasons = exclusions(assignment["applicant"])
        placed.window = labels.get(assignment["placement"], "")
        case = cases.get(assignment["applicant"])
        window = windows.get(assignment["placement"])
        if case is not None and window is not None:
            # Apps above programmes flag what the placement means (the asylum bridge's tension).
            placed.panels = panels_for(
                "matching_placement", membership=member, case=case, subject=window.programme
            )
        placed.score = int(assignment.get("score", 0))
        components = detail.get(assignment["applicant"], {}).get("components", {})
        placed.components = [
            (str(COMPONENT_LABELS.get(name, name)), int(points))
            for name, points in components.get(assignment["placement"], {}).items()
        ]
        fit_reasons = detail.get(assignment["applicant"], {}).get("fit_reasons", {})
        scored = components.get(assignment["placement"], {})
        placed.fit_reasons = [
            render(encoded)
            for name, encoded in fit_reasons.get(assignment["placement"], {}).items()
            if encoded and scored.get(name)
        ]
        removal = removals.get(assignment["applicant"])
        if removal is not None:
            placed.removed_by = next(
                (name for pk, name in names.items() if str(pk) == removal.get("by")), ""
            )
            placed.removed_at = _date(removal["on"]) if removal.get("on") else ""
            placed.removed_reason = str(removal.get("reason") or "")
            removed.append(placed)
        else:
            placements.append(placed)

    unplaced = []
    for item in run.result["unplaced"]:
        left = row(item["applicant"])
        excluded = detail.get(item["applicant"], {}).get("excluded", {})
        left.reasons = exclusions(item["applicant"])
        if excluded and item["reasons"] == [str(NO_OPTIONS)]:
            # The exclusions already say why there is no option.
            pass
        elif len(keyed := keyed_unplaced.get(item["applicant"], [])) == len(item["reasons"]):
            left.reasons += [render(_named(encoded, labels)) for encoded in keyed]
        else:
            left.english_reasons = [in_words(reason) for reason in item["reasons"]]
        unplaced.append(left)

    placed_by_tier = run.result.get("placed_by_tier", {})
    baseline_by_tier = run.result.get("baseline", {}).get("placed_by_tier", {})
    tiers = [
        (tier, int(placed_by_tier.get(tier, 0)), int(baseline_by_tier.get(tier, 0)))
        for tier in sorted(placed_by_tier, key=int, reverse=True)
    ]
    placements.sort(key=lambda item: (-item.tier, item.case_code))
    unplaced.sort(key=lambda item: (-item.tier, item.case_code))
    return RunReview(
        placements=placements, unplaced=unplaced, result=run.result, tiers=tiers, removed=removed
    )
