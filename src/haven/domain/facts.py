"""
The case-facts model: one defender's situation as the engines read it.

``parse_facts`` turns a ``haven.case-facts/1`` document into frozen dataclasses, or raises
``FactsError`` carrying every problem found, each with the JSON path of the field at fault
(``threats[0].kind``). It checks in two passes:

1. the JSON Schema (``haven/spec/case-facts.schema.json``, read once through importlib.resources,
   so the installed command finds it), with format checking, so impossible dates are caught;
2. semantic checks the schema cannot express: dates after the assessment date, and facts that
   contradict each other (see ``SEMANTIC_CHECKS`` below and docs/decision-logic.md).

Disagreements that are legitimate, such as the defender rating their own risk differently from
staff, are not errors: the engines report them.

Absent fields stay ``None`` (or an empty tuple): in this model absence always means "not known",
never "no".
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker

FACTS_SCHEMA_ID = "haven.case-facts/1"

#: Longest piece of a submitted value echoed back in an error message.
_ECHO_LIMIT = 40


class FactsError(ValueError):
    """
    Raised when case facts are malformed, impossible or contradictory.

    ``problems`` holds every problem as ``(json_path, message)``, in document order, so a caller
    can report them all at once instead of one per attempt.
    """

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.problems))


@dataclass(frozen=True)
class Dependant:
    relation: str | None = None
    age: int | None = None
    would_accompany: bool | None = None
    at_risk: bool | None = None


@dataclass(frozen=True)
class Defender:
    nationalities: tuple[str, ...] = ()
    stateless: bool | None = None
    habitual_residence: str | None = None
    current_country: str | None = None
    languages: tuple[str, ...] | None = None
    gender: str | None = None
    birth_year: int | None = None
    profiles: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    peaceful_means: bool | None = None
    accepts_universality: bool | None = None
    organisation_backing: bool | None = None
    visibility: str | None = None
    dependants: tuple[Dependant, ...] = ()
    health_needs: tuple[str, ...] = ()
    valid_passport: bool | None = None
    travel_ban: bool | None = None
    intends_to_return: bool | None = None
    wishes: tuple[str, ...] = ()
    own_risk_level: str | None = None
    available_from: datetime.date | None = None
    available_months: float | None = None


@dataclass(frozen=True)
class Threat:
    kind: str
    date: datetime.date | None = None
    actor: str | None = None
    linked_to_work: bool | None = None
    directed_at: str | None = None
    ongoing: bool | None = None
    after_departure: bool | None = None
    reported_to_authorities: bool | None = None
    authority_response: str | None = None


@dataclass(frozen=True)
class Prosecution:
    charge: str | None = None
    underlying_activity_protected: bool | None = None
    law_meets_rights_standards: bool | None = None
    applied_discriminatorily: bool | None = None
    fair_trial_available: bool | None = None
    penalty_disproportionate: bool | None = None
    stage: str | None = None
    max_penalty_years: float | None = None


@dataclass(frozen=True)
class SafeArea:
    exists: bool | None = None
    accessible: bool | None = None
    requires_stopping_activity: bool | None = None
    undue_hardship: bool | None = None


@dataclass(frozen=True)
class Context:
    country: str | None = None
    civic_space: str | None = None
    armed_conflict: bool | None = None
    indiscriminate_violence: str | None = None
    national_protection_mechanism: str | None = None
    impunity_for_attacks_on_defenders: bool | None = None
    similarly_placed_harmed: bool | None = None
    actor_national_reach: bool | None = None
    safe_area: SafeArea = field(default_factory=SafeArea)
    diaspora_monitored: bool | None = None


@dataclass(frozen=True)
class SurPlace:
    activities_abroad: bool | None = None
    known_to_persecutor: bool | None = None
    genuine: bool | None = None
    subsequent_application: bool | None = None


@dataclass(frozen=True)
class FearedHarm:
    """A harm feared on return that need not have happened before, and why the fear is founded."""

    kind: str
    basis: tuple[str, ...]
    actor: str | None = None
    known_to_actor: bool | None = None


@dataclass(frozen=True)
class Claim:
    jurisdiction: str | None = None
    credibility: str | None = None
    evidence: str | None = None
    subjective_fear: bool | None = None
    grounds: tuple[str, ...] = ()
    opinion_imputed_by_persecutor: bool | None = None
    persecutor_motive_evidence: str | None = None
    harm_only_private_or_official_duty: bool | None = None
    past_persecution: bool | None = None
    past_torture: bool | None = None
    would_continue_activity_on_return: bool | None = None
    sur_place: SurPlace = field(default_factory=SurPlace)
    exclusion_indicators: tuple[str, ...] = ()
    cessation_indicators: tuple[str, ...] = ()
    death_penalty_risk: bool | None = None
    torture_risk_by_or_with_state: bool | None = None
    diplomatic_assurances: bool | None = None
    feared_harms: tuple[FearedHarm, ...] = ()


@dataclass(frozen=True)
class Relocation:
    status: str | None = None
    programme_id: str | None = None
    host_country: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    visa: str | None = None
    programme_requires_return: bool | None = None
    extensions_used: int | None = None
    activities_abroad_visible: bool | None = None
    incidents_abroad: int | None = None
    asylum_claim_lodged: bool | None = None


@dataclass(frozen=True)
class CaseFacts:
    assessed_on: datetime.date | None = None
    defender: Defender = field(default_factory=Defender)
    threats: tuple[Threat, ...] = ()
    prosecutions: tuple[Prosecution, ...] = ()
    vulnerabilities: frozenset[str] = frozenset()
    capacities: frozenset[str] = frozenset()
    context: Context = field(default_factory=Context)
    claim: Claim = field(default_factory=Claim)
    relocation: Relocation = field(default_factory=Relocation)


# --- schema pass ---------------------------------------------------------------------------------


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _schema() -> dict[str, Any]:
    text = resources.files("haven").joinpath("spec/case-facts.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema(), format_checker=FormatChecker())


def is_real_date(value: str) -> bool:
    """An RFC 3339 full-date that exists on the calendar (``2026-02-30`` does not)."""
    if not _FULL_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def _fast_validator() -> Callable[[object], object]:
    """
    The same schema compiled to Python by fastjsonschema, which only answers "valid?".

    The schema uses no keyword whose meaning differs between draft 2020-12 and draft 7 (no
    ``$ref`` beside other keywords, no ``prefixItems`` or ``unevaluated*``), so compiling it as
    draft 7 accepts exactly what ``jsonschema`` accepts; ``tests/domain/test_facts.py`` checks
    the two agree on generated and broken documents.
    """
    schema = {
        key: value
        for key, value in _schema().items()
        if key != "$id"  # a relative id would send the resolver looking for a remote document
    } | {"$schema": "http://json-schema.org/draft-07/schema#"}
    validate: Callable[[object], object] = fastjsonschema.compile(
        schema,
        handlers={"http": _no_remote_schemas, "https": _no_remote_schemas},
        formats={"date": is_real_date},
    )
    return validate


def _no_remote_schemas(uri: str) -> dict[str, Any]:
    """The schema is self-contained; Haven never fetches anything from the network."""
    raise ValueError(f"remote schema reference refused: {uri}")


def json_path(parts: Iterable[str | int]) -> str:
    """Render a path as ``threats[0].kind``; the document itself is ``(document)``."""
    rendered = ""
    for part in parts:
        if isinstance(part, int):
            rendered += f"[{part}]"
        else:
            rendered += f".{part}" if rendered else part
    return rendered or "(document)"


def _echo(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 1] + "…"


def _schema_problem(error: Any) -> tuple[str, str]:
    """Turn one jsonschema error into a path and a message a caseworker can act on."""
    parts: list[str | int] = list(error.absolute_path)
    keyword = error.validator
    if keyword == "required":
        missing = str(error.message).split("'")[1]
        return json_path([*parts, missing]), "is required"
    if keyword == "additionalProperties":
        schema_properties = error.schema.get("properties", {})
        unknown = sorted(key for key in error.instance if key not in schema_properties)
        return json_path([*parts, unknown[0]]), "is not a field of haven.case-facts/1"
    if keyword == "enum":
        allowed = ", ".join(str(choice) for choice in error.validator_value)
        return json_path(
            parts
        ), f"unknown value {_echo(error.instance)}; expected one of: {allowed}"
    if keyword == "const":
        return json_path(parts), f"must be {_echo(error.validator_value)}"
    if keyword == "format":
        return json_path(parts), f"{_echo(error.instance)} is not a real {error.validator_value}"
    if keyword == "type":
        expected = error.validator_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        return json_path(parts), f"must be of type {expected_text}"
    if keyword == "pattern":
        what = "a two-letter code" if "A-Z" in str(error.validator_value) else "a code"
        return json_path(
            parts
        ), f"{_echo(error.instance)} is not {what} (pattern {error.validator_value})"
    if keyword in ("minimum", "maximum"):
        return json_path(
            parts
        ), f"must be {'at least' if keyword == 'minimum' else 'at most'} {error.validator_value}"
    if keyword == "maxLength":
        return json_path(parts), f"is longer than {error.validator_value} characters"
    return json_path(parts), f"does not satisfy the schema ({keyword})"


def schema_problems(data: object) -> list[tuple[str, str]]:
    """
    Every schema violation in ``data`` as ``(json_path, message)``, in document order.

    Valid documents take the fast path: a compiled validator answers "valid?" several times
    faster than ``jsonschema``, which is asked only for a document already known to be invalid,
    to list every error with its path.
    """
    try:
        _fast_validator()(data)
    except fastjsonschema.JsonSchemaValueException as fast_error:
        errors = sorted(
            _validator().iter_errors(data), key=lambda error: list(map(str, error.absolute_path))
        )
        problems = [_schema_problem(error) for error in errors]
        if not problems:
            where = json_path(str(fast_error.name).removeprefix("data").lstrip(".").split("."))
            problems = [(where, str(fast_error.message))]
        return list(dict.fromkeys(problems))
    return []


# --- building the model --------------------------------------------------------------------------


def _date(text: object) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if isinstance(text, str) else None


def _tuple(values: object) -> tuple[Any, ...]:
    return tuple(values) if isinstance(values, list) else ()


def _build(data: Mapping[str, Any]) -> CaseFacts:
    defender_data = dict(data.get("defender", {}))
    languages = defender_data.pop("languages", None)
    defender = Defender(
        **{
            **defender_data,
            "nationalities": _tuple(defender_data.get("nationalities")),
            "languages": tuple(languages) if languages is not None else None,
            "profiles": _tuple(defender_data.get("profiles")),
            "activities": _tuple(defender_data.get("activities")),
            "dependants": tuple(Dependant(**item) for item in defender_data.get("dependants", [])),
            "health_needs": _tuple(defender_data.get("health_needs")),
            "wishes": _tuple(defender_data.get("wishes")),
            "available_from": _date(defender_data.get("available_from")),
        }
    )
    threats = tuple(
        Threat(
            **{key: value for key, value in item.items() if key != "note"}
            | {"date": _date(item.get("date"))}
        )
        for item in data.get("threats", [])
    )
    context_data = dict(data.get("context", {}))
    context = Context(**context_data | {"safe_area": SafeArea(**context_data.get("safe_area", {}))})
    claim_data = dict(data.get("claim", {}))
    claim = Claim(
        **claim_data
        | {
            "grounds": _tuple(claim_data.get("grounds")),
            "sur_place": SurPlace(**claim_data.get("sur_place", {})),
            "exclusion_indicators": _tuple(claim_data.get("exclusion_indicators")),
            "cessation_indicators": _tuple(claim_data.get("cessation_indicators")),
            "feared_harms": tuple(
                FearedHarm(
                    kind=item["kind"],
                    basis=tuple(item["basis"]),
                    actor=item.get("actor"),
                    known_to_actor=item.get("known_to_actor"),
                )
                for item in claim_data.get("feared_harms", [])
            ),
        }
    )
    relocation_data = dict(data.get("relocation", {}))
    relocation = Relocation(
        **relocation_data
        | {
            "start_date": _date(relocation_data.get("start_date")),
            "end_date": _date(relocation_data.get("end_date")),
        }
    )
    return CaseFacts(
        assessed_on=_date(data.get("assessed_on")),
        defender=defender,
        threats=threats,
        prosecutions=tuple(Prosecution(**item) for item in data.get("prosecutions", [])),
        vulnerabilities=frozenset(data.get("vulnerabilities", [])),
        capacities=frozenset(data.get("capacities", [])),
        context=context,
        claim=claim,
        relocation=relocation,
    )


# --- semantic pass -------------------------------------------------------------------------------

Problem = tuple[str, str]


def _dates_after_assessment(facts: CaseFacts) -> list[Problem]:
    """Nothing recorded can have happened after the date the facts speak for."""
    if facts.assessed_on is None:
        return []
    problems = [
        (f"threats[{index}].date", f"is after assessed_on ({facts.assessed_on.isoformat()})")
        for index, threat in enumerate(facts.threats)
        if threat.date is not None and threat.date > facts.assessed_on
    ]
    birth_year = facts.defender.birth_year
    if birth_year is not None and birth_year > facts.assessed_on.year:
        problems.append(("defender.birth_year", "is after the year of assessed_on"))
    return problems


def _stateless_with_nationality(facts: CaseFacts) -> list[Problem]:
    """A stateless person has no nationality (1954 Convention art 1)."""
    if facts.defender.stateless and facts.defender.nationalities:
        return [("defender.stateless", "is true but defender.nationalities lists a nationality")]
    return []


def _after_departure_while_at_home(facts: CaseFacts) -> list[Problem]:
    """A threat 'after departure' needs a departure: the defender cannot still be at home."""
    defender = facts.defender
    home = set(defender.nationalities) | (
        {defender.habitual_residence} if defender.stateless else set()
    )
    if defender.current_country is None or defender.current_country not in home:
        return []
    if facts.relocation.status == "returned":
        return []
    return [
        (
            f"threats[{index}].after_departure",
            "is true but the defender is still in their own country (defender.current_country)",
        )
        for index, threat in enumerate(facts.threats)
        if threat.after_departure
    ]


def _response_without_report(facts: CaseFacts) -> list[Problem]:
    """The authorities cannot have responded to a report that was never made."""
    return [
        (f"threats[{index}].authority_response", "is set but reported_to_authorities is false")
        for index, threat in enumerate(facts.threats)
        if threat.reported_to_authorities is False
        and threat.authority_response is not None
        and threat.authority_response != "none"
    ]


def _relocation_without_relocation(facts: CaseFacts) -> list[Problem]:
    """A relocation status of 'none' leaves no room for a programme, host, end date or extension."""
    relocation = facts.relocation
    problems: list[Problem] = []
    if relocation.status == "none":
        for name in ("programme_id", "host_country", "start_date", "end_date"):
            if getattr(relocation, name) is not None:
                problems.append((f"relocation.{name}", "is set but relocation.status is none"))
    if relocation.status in ("none", "applied") and (relocation.extensions_used or 0) > 0:
        problems.append(
            (
                "relocation.extensions_used",
                f"is above 0 but relocation.status is {relocation.status}",
            )
        )
    if (
        relocation.status == "in_relocation"
        and relocation.end_date is not None
        and facts.assessed_on is not None
        and relocation.end_date < facts.assessed_on
    ):
        problems.append(
            (
                "relocation.end_date",
                "is before assessed_on while relocation.status is in_relocation: record the extension or the new status",
            )
        )
    return problems


def _relocation_ending_before_it_starts(facts: CaseFacts) -> list[Problem]:
    """A stay cannot end before it starts."""
    relocation = facts.relocation
    if (
        relocation.start_date is not None
        and relocation.end_date is not None
        and relocation.start_date > relocation.end_date
    ):
        return [
            (
                "relocation.start_date",
                f"is after relocation.end_date ({relocation.end_date.isoformat()})",
            )
        ]
    return []


def _sur_place_knowledge_without_activity(facts: CaseFacts) -> list[Problem]:
    """The persecutor cannot know of activity abroad that did not happen."""
    sur_place = facts.claim.sur_place
    if sur_place.activities_abroad is False and sur_place.known_to_persecutor:
        return [
            (
                "claim.sur_place.known_to_persecutor",
                "is true but claim.sur_place.activities_abroad is false",
            )
        ]
    return []


def _safe_area_that_does_not_exist(facts: CaseFacts) -> list[Problem]:
    """An area that does not exist cannot be accessible."""
    safe_area = facts.context.safe_area
    if safe_area.exists is False and safe_area.accessible:
        return [("context.safe_area.accessible", "is true but context.safe_area.exists is false")]
    return []


SEMANTIC_CHECKS: tuple[Callable[[CaseFacts], list[Problem]], ...] = (
    _dates_after_assessment,
    _stateless_with_nationality,
    _after_departure_while_at_home,
    _response_without_report,
    _relocation_without_relocation,
    _relocation_ending_before_it_starts,
    _sur_place_knowledge_without_activity,
    _safe_area_that_does_not_exist,
)


def parse_facts(data: object) -> CaseFacts:
    """
    Validate a ``haven.case-facts/1`` document and return it as ``CaseFacts``.

    Raises ``FactsError`` with every problem (schema first; semantic checks run only on a
    document that fits the schema, because they rely on its shape).
    """
    problems = schema_problems(data)
    if problems:
        raise FactsError(problems)
    assert isinstance(data, Mapping)
    facts = _build(data)
    semantic = [problem for check in SEMANTIC_CHECKS for problem in check(facts)]
    if semantic:
        raise FactsError(semantic)
    return facts
