"""
The bridge between stored programmes and the pure engines.

The engines read catalogue entries shaped like ``programmes.json``; ``catalogue_entry`` turns a
``Programme`` row back into that shape, and ``case_assessment`` runs the engines on a case's
decrypted facts. The texts a defender must see before applying (asylum policy, return
expectation) are worded here, once, so the consent record stores exactly what the screen showed.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from haven.accounts.acting import Acting
from haven.accounts.compiled import CompiledValues, stored_uuids, uuid_text
from haven.cases.engine_messages import encode
from haven.cases.facts_mapping import build_facts
from haven.cases.models import CASE_KEY, Case, Dependant, Prosecution, Threat
from haven.cases.selectors import case_facts as case_facts_document
from haven.domain.assessment import assess
from haven.domain.facts import CaseFacts, FactsError, parse_facts
from haven.domain.version import engine_version
from haven.programmes.models import Programme
from haven.reference import civicus_ratings
from haven.vault.fields import SealedColumn
from haven.vault.keyring import KeyRef, KeyRing, OpenedKey, keyring_scope

RecordModel = TypeVar("RecordModel", Threat, Prosecution, Dependant)

#: Catalogue fields copied one to one between programmes.json and the Programme model.
CATALOGUE_FIELDS = (
    "name",
    "operator",
    "host_countries",
    "host_cities",
    "duration_months_min",
    "duration_months_max",
    "eligible_profiles",
    "requires_return_intent",
    "family_allowed",
    "languages_required",
    "provides",
    "intake",
    "asylum_policy",
    "source_url",
    "kind",
    "scope",
    "eligible_nationalities",
    "requires_refugee_status",
    "must_be_outside_home_country",
    "places_per_year",
)

#: The programme's own stay schedule: read from programmes.json when an entry sets it, edited
#: with the catalogue, but not part of what the engines read (empty: the design defaults).
SCHEDULE_FIELDS = ("return_review_weeks", "arrival_alert_hours", "travel_plan_shred_days")


def catalogue_entry(programme: Programme) -> dict[str, Any]:
    """Return the programme as the engines read it: a programmes.json entry."""
    entry = {field: getattr(programme, field) for field in CATALOGUE_FIELDS}
    entry["id"] = programme.catalogue_id
    return entry


def asylum_policy_text(programme: Programme) -> str:
    """What the defender is told about the programme and asylum, before they apply."""
    if programme.asylum_policy:
        return programme.asylum_policy
    return _(
        "The catalogue records no asylum policy for this programme. Ask the programme what "
        "happens if the defender claims asylum during or after the stay, before applying."
    )


def return_expectation_text(programme: Programme) -> str:
    """What the defender is told about returning home at the end of the stay."""
    if programme.requires_return_intent is True:
        text = _(
            "The programme expects the defender to intend to return home at the end of the stay."
        )
    elif programme.requires_return_intent is False:
        text = _("The programme does not require an intention to return home.")
    else:
        text = _(
            "The catalogue does not record whether the programme expects a return home; "
            "ask the programme before applying."
        )
    if programme.duration_months_max is not None:
        text += " " + _("The stay lasts at most %(months)s months.") % {
            "months": f"{programme.duration_months_max:g}"
        }
    return text


#: The engine's ``eligible`` (true, false or null) as the verdict an application stores.
VERDICTS: Mapping[bool | None, str] = {True: "eligible", False: "not_eligible"}


@dataclass(frozen=True)
class CaseAssessment:
    """The engines' view of one case: its parsed facts (when valid) and the assessment."""

    facts: CaseFacts | None
    assessment: dict[str, Any] | None
    problem_count: int = 0

    def eligibility(self, catalogue_id: str) -> dict[str, Any]:
        """Return the snapshot stored on an application: verdict, reasons, engine version."""
        if self.assessment is None:
            return {
                "verdict": "unclear",
                "reasons": [
                    _(
                        "Unclear: the case's facts have %(count)d problem(s) and cannot be "
                        "assessed; correct them on the case page."
                    )
                    % {"count": self.problem_count}
                ],
                "engine_version": engine_version(),
            }
        verdict = self._programme(catalogue_id)
        return {
            "verdict": VERDICTS.get(verdict["eligible"], "unclear"),
            "reasons": list(verdict["reasons"]),
            # Keys and parameters, so the page shows the reasons in the reader's language.
            "reason_messages": encode(list(verdict["reasons"])),
            "engine_version": self.assessment["engine_version"],
        }

    def verdict(self, catalogue_id: str) -> str:
        """
        The verdict of ``eligibility`` alone (eligible, not_eligible or unclear): a matching run
        reads only this for every application, so it skips wording and encoding the reasons.
        """
        if self.assessment is None:
            return "unclear"
        return VERDICTS.get(self._programme(catalogue_id)["eligible"], "unclear")

    def _programme(self, catalogue_id: str) -> dict[str, Any]:
        """The engine's verdict on one programme; KeyError when it was not assessed."""
        for verdict in self.assessment.get("programmes", []):  # type: ignore[union-attr]
            if verdict["id"] == catalogue_id:
                return verdict  # type: ignore[no-any-return]
        raise KeyError(catalogue_id)

    @property
    def risk_level(self) -> str | None:
        return None if self.assessment is None else str(self.assessment["risk"]["level"])


class CaseForEngines(NamedTuple):
    """
    What a matching run reads of one case: its urgency and its facts document as the engines
    read it (``case_facts_documents``).
    """

    urgency: str
    facts: dict[str, Any]


#: The encrypted columns a facts document is built from, each opened without model instances.
CASE_FACTS = SealedColumn(Case, "facts")
THREAT_DETAILS = SealedColumn(Threat, "details")
PROSECUTION_DETAILS = SealedColumn(Prosecution, "details")
DEPENDANT_DETAILS = SealedColumn(Dependant, "details")


def case_facts_documents(
    organisation_id: Any, case_ids: Iterable[Any]
) -> dict[Any, CaseForEngines]:
    """
    The facts documents of many cases of one organisation, by case id, each with the case's
    urgency: what ``cases.selectors.case_facts`` builds for one case, with one query per table
    for all of them instead of three per case (a matching run reads hundreds of cases), and
    without the threats' narratives.

    The engines never read a threat's narrative (its ``note``: ``parse_facts`` drops it, and the
    model holds it to the schema's 2,000 characters), so it is neither read nor decrypted: one
    value fewer per threat. Rows are read as values and decrypted column by
    column (``SealedColumn``), never built as model instances, and every case's key is opened
    with one query before any value is read: threat, prosecution and dependant rows are sealed
    under their case's key, whose reference is made once per case. Only ``organisation_id``'s
    rows are read, so no row's organisation is read or converted. The cases' own query tells
    which of them hold threats, prosecutions and dependants, so each table is asked only about
    those cases, and not at all when none does.
    """
    with keyring_scope() as ring:
        cases = _CASES_WITH_FACTS(organisation=organisation_id, cases=case_ids)
        read = {
            case_id: _CaseRows(KeyRef(organisation_id, CASE_KEY, case_id)) for case_id, *_ in cases
        }
        ring.prefetch(case.ref for case in read.values())
        holding = [
            [case_id for case_id, _urgency, _facts, *held in cases if held[index]]
            for index in range(3)
        ]
        # Each value is opened with its case's key and its column's associated-data start as
        # looked up once per case and per column, not once per value (``SealedColumn.open_with``).
        prefixes = [
            column.row_prefix(organisation_id)
            for column in (THREAT_DETAILS, PROSECUTION_DETAILS, DEPENDANT_DETAILS, CASE_FACTS)
        ]
        threat, prosecution, dependant, facts_prefix = prefixes
        # Record rows come with their ids as stored: matched to their case by that, and each
        # row's id written as the text its associated data names, without a UUID built for either.
        by_stored = dict(zip(stored_uuids(read), read.values(), strict=True))
        for pk, case_id, details in _THREAT_ROWS(organisation=organisation_id, cases=holding[0]):
            case = by_stored[case_id]
            case.threats.append(
                (case.opened(ring, THREAT_DETAILS, threat, uuid_text(pk), details), None)
            )
        for pk, case_id, details in _PROSECUTION_ROWS(
            organisation=organisation_id, cases=holding[1]
        ):
            case = by_stored[case_id]
            case.prosecutions.append(
                case.opened(ring, PROSECUTION_DETAILS, prosecution, uuid_text(pk), details)
            )
        for pk, case_id, details in _DEPENDANT_ROWS(organisation=organisation_id, cases=holding[2]):
            case = by_stored[case_id]
            case.dependants.append(
                case.opened(ring, DEPENDANT_DETAILS, dependant, uuid_text(pk), details)
            )
        documents = {}
        for case_id, urgency, facts, *_held in cases:
            case = read[case_id]
            documents[case_id] = CaseForEngines(
                urgency,
                build_facts(
                    None
                    if facts is None
                    else case.opened(ring, CASE_FACTS, facts_prefix, case_id, facts),
                    threats=case.threats,
                    prosecutions=case.prosecutions,
                    dependants=case.dependants,
                    handed_over=True,
                ),
            )
        return documents


class _CaseRows:
    """One case's key reference, its key once first used, and its record rows as opened."""

    __slots__ = ("dependants", "key", "prosecutions", "ref", "threats")

    def __init__(self, ref: KeyRef) -> None:
        self.ref = ref
        self.key: OpenedKey | None = None
        self.threats: list[tuple[Any, None]] = []
        self.prosecutions: list[Any] = []
        self.dependants: list[Any] = []

    def opened(self, ring: KeyRing, column: SealedColumn, prefix: str, pk: Any, stored: Any) -> Any:
        """
        ``column``'s value ``stored`` in row ``pk`` of this case, opened with the case's key
        (looked up in ``ring`` on the case's first value, as ``SealedColumn.open`` would).
        """
        key = self.key
        if key is None:
            key = self.key = ring.opened_data_key(self.ref)
        return column.open_with(ring, self.ref, key, prefix, pk, stored)


def _holds(model: type[RecordModel]) -> Exists:
    """Whether the case holds rows of ``model``, answered inside the case's own query."""
    return Exists(model.objects.filter(case_id=OuterRef("pk")))


def _records(model: type[RecordModel]) -> CompiledValues:
    """
    The case records of ``model`` for some cases of one organisation (those holding some:
    ``_holds``) in timeline order: each row's primary key, its case's id and its stored details.
    No query when no case holds any. All three columns come as stored (``as_stored``): the ids
    only match rows to cases and name them in associated data, and the details are opened by
    ``SealedColumn`` from their bytes.
    """
    return CompiledValues(
        lambda organisation, cases: (
            model.objects.filter(organisation_id=organisation, case_id__in=cases)
            .order_by("recorded_at")
            .values_list("id", "case_id", "details")
        ),
        as_stored=("id", "case_id", "details"),
        organisation=_ORGANISATION,
        cases=[_CASE],
    )


#: Stand-ins for the compiled reads below: no organisation or case has these ids.
_ORGANISATION, _CASE = uuid.UUID(int=1), uuid.UUID(int=2)
#: The reads of ``case_facts_documents``, their SQL built once per process (a matching run
#: reads hundreds of cases; building the queries and their ``IN`` lists cost about as much as
#: running them).
_CASES_WITH_FACTS = CompiledValues(
    lambda organisation, cases: Case.objects.filter(
        organisation_id=organisation, pk__in=cases
    ).values_list("id", "urgency", "facts", _holds(Threat), _holds(Prosecution), _holds(Dependant)),
    organisation=_ORGANISATION,
    cases=[_CASE],
)
_THREAT_ROWS = _records(Threat)
_PROSECUTION_ROWS = _records(Prosecution)
_DEPENDANT_ROWS = _records(Dependant)


def parsed_facts(document: Mapping[str, Any]) -> CaseFacts | None:
    """A facts document parsed, or ``None`` when it fails validation."""
    try:
        return parse_facts(document)
    except FactsError:
        return None


def case_assessment(
    *,
    membership: Acting,
    case: Case,
    programmes: Iterable[Programme],
    document: Mapping[str, Any] | None = None,
) -> CaseAssessment:
    """
    Run the engines on the case's full facts (records included) against ``programmes``, for a
    member who may see the case (404 otherwise, from ``case_facts``).

    The facts are decrypted through the vault field, so call this inside a key-ring scope. Facts
    that fail validation give an assessment of ``None``: every verdict is then unclear.
    ``document`` is the case's facts document when the caller built it already.
    """
    return document_assessment(
        document if document is not None else case_facts_document(membership=membership, case=case),
        [catalogue_entry(programme) for programme in programmes],
    )


def document_assessment(
    document: Mapping[str, Any], entries: Sequence[Mapping[str, Any]]
) -> CaseAssessment:
    """
    ``case_assessment`` of a facts document already built, against catalogue entries already
    made (``catalogue_entry``): a matching run makes each programme's entry once, not per case.
    """
    try:
        facts = parse_facts(document)
    except FactsError as error:
        return CaseAssessment(None, None, problem_count=len(error.problems))
    return CaseAssessment(
        facts, assess(facts, programmes=entries, civic_space_ratings=civicus_ratings())
    )
