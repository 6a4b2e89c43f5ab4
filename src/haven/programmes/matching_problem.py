"""
Building the ``haven.matching-problem/1`` document from stored applications.

* **Applicants** are cases, not applications: a case that applied to two programmes is one
  applicant with options at both, so the matcher can never place one defender twice.
* **Placements** are intake windows; their capacity is what the window declares minus what
  offered and accepted applications there already hold.
* **Tier** puts the recorded risk first and the case's urgency second (``applicant_tier``). The
  risk is the latest recorded assessment's (the more severe of the engine's level and the staff
  level recorded with it); a case never assessed gets the risk engine's level on its current facts.
  Each risk level is a band of three tiers and urgency (routine, priority, emergency) picks the
  tier inside the band, so urgency raises a case above others of the same risk but never above a
  case of higher risk: low 1-3, medium 4-6, high 7-9, critical 10-12.
* **Options** are only the eligible pairs. A pair is excluded, with a code the review screen
  explains, when a possible host country is one the persecutor reaches (checked first: security
  comes before everything), when the window's stay starts after the date the
  defender must leave by or has no start date while such a date is set (dates come next), when
  the engine finds the case not eligible, or when eligibility is unclear (staff must resolve it
  before a machine proposes an offer), or when the defender is available only after the
  window's stay starts. The reached countries and the must-leave-by date are kept in ``detail``
  (sealed with the run), so the review can say which country and which date.
* **Scores** come from ``haven.domain.placement_fit``; for the placement the matcher proposes,
  ``detail`` keeps each component's points and its reason in keyed form
  (``fit_reasons``: key, English template and parameters, as
  ``haven.cases.engine_messages.encode`` writes them), so the review says why in the reader's
  language (``review_detail``, once the problem is solved). Exclusions are kept as codes; the
  review words them with ``placement_fit.exclusion_message``.

Everything arrives decrypted: the service reads the cases, their facts and the persecutor reach
(``services.matching``); nothing here touches the database or a key.
"""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from haven.cases.engine_messages import encode
from haven.cases.models import Urgency
from haven.domain.facts import CaseFacts
from haven.domain.matching.problem import PROBLEM_SCHEMA_ID
from haven.domain.placement_fit import (
    EXCLUDED_AFTER_MUST_LEAVE_BY,
    EXCLUDED_NOT_AVAILABLE,
    EXCLUDED_NOT_ELIGIBLE,
    EXCLUDED_PERSECUTOR_REACH,
    EXCLUDED_START_NOT_KNOWN,
    EXCLUDED_UNCLEAR,
    START_NOT_KNOWN,
    STARTS_AFTER_MUST_LEAVE_BY,
    TIER_BY_RISK_LEVEL,
    Fit,
    departure_conflict,
    fit,
    household_size,
    reached_host_countries,
    tier_for_risk,
)
from haven.programmes.catalogue import (
    CaseForEngines,
    catalogue_entry,
    document_assessment,
    parsed_facts,
)
from haven.programmes.models import IntakeWindow

#: The placement-fit engine's departure conflicts, as exclusion codes.
DEPARTURE_EXCLUSIONS: Mapping[str, str] = {
    STARTS_AFTER_MUST_LEAVE_BY: EXCLUDED_AFTER_MUST_LEAVE_BY,
    START_NOT_KNOWN: EXCLUDED_START_NOT_KNOWN,
}
LOWEST_RISK_TIER = 1
#: Tiers inside one risk band, one per urgency; the lowest urgency takes the band's first tier.
URGENCY_STEP: Mapping[str, int] = {Urgency.ROUTINE: 0, Urgency.PRIORITY: 1, Urgency.EMERGENCY: 2}
TIERS_PER_RISK_LEVEL = len(URGENCY_STEP)


class MatchableApplication(NamedTuple):
    """The columns of a waiting application that the problem reads."""

    id: Any
    case_id: Any
    programme_id: Any
    intake_window_id: Any
    preference_rank: int | None


class CommittedPlace(NamedTuple):
    """An offered or accepted application: its case holds room at its intake window."""

    case_id: Any
    intake_window_id: Any


class ProgrammeOptions:
    """
    A programme's catalogue entry and its chosen windows, each with its id as read and as text
    and its possible host countries: what an application to the programme is offered.
    """

    __slots__ = ("entry", "windows")

    def __init__(self, entry: dict[str, Any]) -> None:
        self.entry = entry
        self.windows: list[tuple[IntakeWindow, Any, str, list[str]]] = []


@dataclass(frozen=True)
class BuiltProblem:
    """
    The problem document and what the review needs of it: ``detail``, each case's tier source
    and exclusions, and, kept in memory only until the problem is solved (``review_detail``),
    the application behind each window a case applied to (its id as read, written out as text
    only for the placement proposed) and each option's placement fit, both by case id and
    window id.
    """

    document: dict[str, Any]
    detail: dict[str, Any]
    applications: dict[str, dict[str, Any]]
    fits: dict[str, dict[str, Fit]]


def applicant_tier(risk_level: str | None, urgency: str) -> int:
    """
    The case's matching tier: its risk level's band, then its urgency within the band.

    An unknown risk (facts that cannot be assessed and no recorded assessment) counts as the
    lowest, so a case is never raised by missing data; an unknown urgency counts as routine.
    """
    risk_tier = LOWEST_RISK_TIER if risk_level is None else tier_for_risk(risk_level)
    return (risk_tier - 1) * TIERS_PER_RISK_LEVEL + 1 + URGENCY_STEP.get(urgency, 0)


def tier_parts(tier: int) -> tuple[str, str]:
    """The risk level and urgency a tier stands for: the inverse of ``applicant_tier``."""
    band, step = divmod(tier - 1, TIERS_PER_RISK_LEVEL)
    levels = sorted(TIER_BY_RISK_LEVEL, key=TIER_BY_RISK_LEVEL.__getitem__)
    urgencies = sorted(URGENCY_STEP, key=URGENCY_STEP.__getitem__)
    return levels[min(band, len(levels) - 1)], urgencies[step]


def _possible_hosts(window: IntakeWindow) -> list[str]:
    if window.host_country:
        return [window.host_country]
    return list(window.programme.host_countries or [])


def _demand(facts: CaseFacts | None, resources: Sequence[str]) -> dict[str, int]:
    """One place, and a bed per household member; unreadable facts count as one person."""
    household = household_size(facts) if facts is not None else 1
    demand = {"places": 1, "beds": household}
    return {resource: demand.get(resource, 0) for resource in resources}


def build_problem(
    *,
    windows: Sequence[IntakeWindow],
    applications: Sequence[MatchableApplication],
    committed: Sequence[CommittedPlace],
    cases: Mapping[Any, CaseForEngines],
    reach_by_case: Mapping[str, list[str]],
    recorded_risk_by_case: Mapping[str, str] | None = None,
    leave_by_by_case: Mapping[str, datetime.date] | None = None,
    time_limit_s: float | None = None,
) -> BuiltProblem:
    """
    Return the problem document and what the review needs of it for ``applications`` at
    ``windows`` (``BuiltProblem``; ``review_detail`` completes it once the problem is solved).

    ``committed`` are the offered and accepted applications already holding room in the windows;
    ``cases`` holds the urgency and facts document of every case of both, by case id
    (``catalogue.case_facts_documents``);
    ``reach_by_case`` maps case id to the host countries its persecutor reaches;
    ``recorded_risk_by_case`` maps case id to the risk level of its latest recorded assessment;
    ``leave_by_by_case`` maps case id to the date its defender must leave by.
    """
    recorded_risk = recorded_risk_by_case or {}
    leave_by = leave_by_by_case or {}
    resources = sorted({resource for window in windows for resource in window.capacities})
    used: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for place in committed:
        facts = parsed_facts(cases[place.case_id].facts)
        for resource, amount in _demand(facts, resources).items():
            used[str(place.intake_window_id)][resource] += amount
    placements = [
        {
            "id": str(window.pk),
            "capacity": {
                resource: max(
                    0, int(window.capacities.get(resource, 0)) - used[str(window.pk)][resource]
                )
                for resource in resources
            },
        }
        for window in windows
    ]

    # By the case's id as read: each id is written out as text once per case, not per application.
    by_case: dict[Any, list[MatchableApplication]] = defaultdict(list)
    for application in applications:
        by_case[application.case_id].append(application)

    # Each programme's catalogue entry, and what each window contributes to an option (its id,
    # its possible host countries), once for the whole run, not per case and application; found
    # by one look-up per application (an id as read hashes and compares in Python).
    offered_by: dict[Any, ProgrammeOptions] = {}
    for window in windows:
        programme = offered_by.get(window.programme_id)
        if programme is None:
            programme = offered_by[window.programme_id] = ProgrammeOptions(
                catalogue_entry(window.programme)
            )
        programme.windows.append((window, window.pk, str(window.pk), _possible_hosts(window)))
    applicants = []
    detail: dict[str, Any] = {"applicants": {}}
    applications_of: dict[str, dict[str, Any]] = {}
    fits: dict[str, dict[str, Fit]] = {}
    for read_case_id, case_applications in by_case.items():
        case_id = str(read_case_id)
        offers = [
            (application, offered_by[application.programme_id]) for application in case_applications
        ]
        case = cases[read_case_id]
        assessed = dict.fromkeys(programme for _application, programme in offers)
        assessment = document_assessment(case.facts, [programme.entry for programme in assessed])
        reach = reach_by_case.get(case_id, [])
        available_from = assessment.facts.defender.available_from if assessment.facts else None
        options = []
        risk_level = recorded_risk.get(case_id) or assessment.risk_level
        must_leave_by = leave_by.get(case_id)
        excluded: dict[str, str] = {}
        reached_at: dict[str, list[str]] = {}
        entry: dict[str, Any] = {
            "applications": {},
            "components": {},
            "fit_reasons": {},
            "excluded": excluded,
            "reached": reached_at,
            "risk_source": "assessment" if case_id in recorded_risk else "engine",
        }
        if must_leave_by is not None:
            entry["must_leave_by"] = must_leave_by.isoformat()
        application_at = applications_of[case_id] = {}
        fit_at = fits[case_id] = {}
        for application, programme in offers:
            catalogue = programme.entry
            verdict = assessment.verdict(catalogue["id"])
            for window, window_pk, window_id, hosts in programme.windows:
                if application.intake_window_id not in (None, window_pk):
                    continue
                application_at[window_id] = application.id
                reached = reached_host_countries(hosts, reach) if reach else None
                conflict = departure_conflict(window.stay_starts_on, must_leave_by)
                if reached:
                    excluded[window_id] = EXCLUDED_PERSECUTOR_REACH
                    reached_at[window_id] = reached
                elif conflict is not None:
                    excluded[window_id] = DEPARTURE_EXCLUSIONS[conflict]
                elif verdict == "not_eligible":
                    excluded[window_id] = EXCLUDED_NOT_ELIGIBLE
                elif verdict != "eligible" or assessment.facts is None:
                    excluded[window_id] = EXCLUDED_UNCLEAR
                elif (
                    available_from is not None
                    and window.stay_starts_on is not None
                    and available_from > window.stay_starts_on
                ):
                    excluded[window_id] = EXCLUDED_NOT_AVAILABLE
                else:
                    placement_fit = fit_at[window_id] = fit(
                        assessment.facts, catalogue, preference_rank=application.preference_rank
                    )
                    options.append({"placement": window_id, "score": placement_fit.score})
        applicants.append(
            {
                "id": case_id,
                "tier": applicant_tier(risk_level, case.urgency),
                "demand": _demand(assessment.facts, resources),
                "options": options,
            }
        )
        detail["applicants"][case_id] = entry

    document: dict[str, Any] = {
        "schema": PROBLEM_SCHEMA_ID,
        "resources": resources,
        "placements": placements,
        "applicants": applicants,
    }
    if time_limit_s is not None:
        document["time_limit_s"] = time_limit_s
    return BuiltProblem(document=document, detail=detail, applications=applications_of, fits=fits)


def review_detail(built: BuiltProblem, result: Mapping[str, Any]) -> dict[str, Any]:
    """
    The ``detail`` a run stores for its review, once ``result`` (the solved problem, as
    ``result_to_json`` writes it) is known: ``built.detail``, completed in place with, for the
    placement proposed to each case, the application behind it (which approving the run offers),
    its score components and their reasons in keyed form; and the matcher's keyed reasons for
    each case left unplaced.

    The review shows why a case fits the placement proposed for it, never another option's
    points or reasons, so only the proposed placements' are encoded and kept: every option's
    made half of the stored document (299 KB for the benchmark's 200 cases, 148 KB without)
    and of the time taken to seal it. The problem document keeps every option's score. The
    result document keeps the matcher's reasons in English, as the schema says; the keyed ones
    let the review say them in the reader's language.
    """
    applicants = built.detail["applicants"]
    # A component's reason is one shared instance wherever it is given (``placement_fit`` makes
    # each once per process), so each is encoded once per run, by identity: every reason here is
    # alive in ``built`` meanwhile. The document is only serialised, so sharing the value is safe.
    encoded: dict[int, Any] = {}

    def keyed(reason: Any) -> Any:
        found = encoded.get(id(reason))
        if found is None:
            found = encoded[id(reason)] = encode(reason)
        return found

    for assignment in result["assignments"]:
        case_id, window_id = assignment["applicant"], assignment["placement"]
        components = built.fits[case_id][window_id].components
        entry = applicants[case_id]
        entry["applications"] = {window_id: str(built.applications[case_id][window_id])}
        entry["components"] = {window_id: {part.name: part.points for part in components}}
        entry["fit_reasons"] = {window_id: {part.name: keyed(part.reason) for part in components}}
    return {
        **built.detail,
        "unplaced_messages": {
            item["applicant"]: [encode(reason) for reason in item["reasons"]]
            for item in result["unplaced"]
        },
    }
