"""
Import and export of cases in the ``haven.case-import/1`` format (spec/case-import.schema.json).

An import is validated as a whole before anything is written, and every error is reported with
its JSON path; then it runs in one transaction, so a failure half-way leaves the database as it
was. An export is built in memory, encrypted by the caller's ``seal`` function (age) and only the
encrypted artifact leaves this module; its size and SHA-256 are audited (EXP-01, EXP-02).
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from haven.accounts.acting import Acting, record_action
from haven.audit.events import EventType
from haven.cases.facts_mapping import build_facts
from haven.cases.models import Case, CaseDefender, CaseStatus, Dependant, Note, Prosecution, Threat
from haven.cases.selectors import case_principal_defender
from haven.cases.services import (
    IDENTITY_FIELDS,
    case_open,
    case_replace_facts,
    case_update,
    defender_update,
    note_add,
)
from haven.organisations.models import Organisation
from haven.vault.keyring import keyring_scope

SCHEMA_ID = "haven.case-import/1"
CODE_TOO_LONG = "case code is longer than 20 characters"
CODE_ERASED = "case {code} was erased and cannot be imported into"
CODE_REPEATED = "case code {code} appears more than once in the file"


class ImportInvalidError(Exception):
    """The import file breaks the schema; ``errors`` lists ``(json_path, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(errors)} error(s) in the import file")
        self.errors = errors


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int


def _schema_text(name: str) -> Any:
    return json.loads(resources.files("haven").joinpath("spec", name).read_text(encoding="utf-8"))


@cache
def import_validator() -> Draft202012Validator:
    """Return a validator for the import format, with the case-facts schema it refers to."""
    facts = Resource.from_contents(_schema_text("case-facts.schema.json"))
    registry = Registry().with_resources(
        [
            ("haven.case-import/case-facts.schema.json", facts),
            ("case-facts.schema.json", facts),
            ("haven.case-facts/1", facts),
        ]
    )
    return Draft202012Validator(
        _schema_text("case-import.schema.json"), registry=registry, format_checker=FormatChecker()
    )


def validate_import(document: Any, organisation: Organisation) -> list[tuple[str, str]]:
    """Return every problem in ``document`` as ``(json_path, message)``, sorted by path."""
    errors = [
        (error.json_path, error.message) for error in import_validator().iter_errors(document)
    ]
    if not errors:
        seen: set[str] = set()
        for index, item in enumerate(document["cases"]):
            code = item.get("code")
            if code is None:
                continue
            path = f"$.cases[{index}].code"
            if len(code) > 20:
                errors.append((path, CODE_TOO_LONG))
            elif code in seen:
                errors.append((path, CODE_REPEATED.format(code=code)))
            elif Case.objects.filter(
                organisation=organisation, code=code, status=CaseStatus.ERASED
            ).exists():
                errors.append((path, CODE_ERASED.format(code=code)))
            seen.add(code)
    return sorted(errors)


@transaction.atomic
def cases_import(*, membership: Acting, organisation: Organisation, document: Any) -> ImportReport:
    """
    Create or update the cases in ``document`` (validated here) all or nothing.

    A case whose ``code`` exists in the organisation is updated: facts (with their threat,
    prosecution and dependant rows), external reference and the principal defender's identity are
    replaced, notes not already present are added. Any other
    case is opened with its code (or a new one). Side effect: one ``vault.cases_imported`` event
    with the counts. Raises ImportInvalidError listing each error's JSON path.
    """
    errors = validate_import(document, organisation)
    if errors:
        raise ImportInvalidError(errors)
    created = updated = 0
    with keyring_scope():
        for item in document["cases"]:
            identity = item["identity"]
            existing = (
                Case.objects.filter(organisation=organisation, code=item["code"]).first()
                if item.get("code")
                else None
            )
            if existing is None:
                case = case_open(
                    membership=membership,
                    organisation=organisation,
                    identity=identity,
                    facts=item["facts"],
                    external_reference=item.get("external_reference"),
                    code=item.get("code"),
                )
                known_notes: set[str] = set()
                created += 1
            else:
                case = case_replace_facts(membership=membership, case=existing, facts=item["facts"])
                if item.get("external_reference") is not None:
                    case_update(
                        membership=membership,
                        case=case,
                        external_reference=item["external_reference"],
                    )
                defender = case_principal_defender(case)
                if defender is not None:
                    full_identity = {name: identity.get(name) for name in IDENTITY_FIELDS}
                    defender_update(
                        membership=membership, defender=defender, identity=full_identity
                    )
                known_notes = {note.body for note in Note.objects.filter(case=case)}
                updated += 1
            for body in item.get("notes", []):
                if body not in known_notes:
                    note_add(membership=membership, case=case, body=body)
                    known_notes.add(body)
        record_action(
            EventType.CASES_IMPORTED,
            membership,
            organisation,
            {"created": created, "updated": updated},
        )
    return ImportReport(created=created, updated=updated)


def _identity_of(case: Case) -> dict[str, Any]:
    links = list(case.defender_links.all())  # prefetched, principal first
    if not links:
        return {}
    defender = links[0].defender
    identity: dict[str, Any] = {}
    for name in IDENTITY_FIELDS:
        value = getattr(defender, name)
        if value is None or value == "" or value == []:
            continue
        identity[name] = value.isoformat() if name == "birth_date" else value
    return identity


def export_document(*, organisation: Organisation) -> dict[str, Any]:
    """Return every live case of ``organisation`` in the import format, decrypted (in memory only)."""
    cases = (
        Case.objects.filter(organisation=organisation)
        .exclude(status=CaseStatus.ERASED)
        .select_related("data_key__organisation_key")
        .prefetch_related(
            Prefetch(
                "defender_links",
                queryset=CaseDefender.objects.select_related(
                    "defender__data_key__organisation_key"
                ).order_by("role", "defender__created_at"),
            ),
            Prefetch("notes", queryset=Note.objects.order_by("created_at")),
            Prefetch("threats", queryset=Threat.objects.order_by("recorded_at")),
            Prefetch("prosecutions", queryset=Prosecution.objects.order_by("recorded_at")),
            Prefetch("dependants", queryset=Dependant.objects.order_by("recorded_at")),
        )
        .order_by("created_at", "code")
    )
    items: list[dict[str, Any]] = []
    with keyring_scope():
        for case in cases:
            item: dict[str, Any] = {"code": case.code}
            if case.external_reference:
                item["external_reference"] = case.external_reference
            item["identity"] = _identity_of(case)
            item["facts"] = build_facts(
                case.facts,
                threats=[(threat.details, threat.narrative) for threat in case.threats.all()],
                prosecutions=[row.details for row in case.prosecutions.all()],
                dependants=[row.details for row in case.dependants.all()],
            )
            notes = [note.body for note in case.notes.all()]
            if notes:
                item["notes"] = notes
            items.append(item)
    return {
        "schema": SCHEMA_ID,
        "organisation": organisation.slug,
        "exported_at": timezone.now().isoformat(),
        "cases": items,
    }


@transaction.atomic
def cases_export(
    *, membership: Acting, organisation: Organisation, seal: Callable[[bytes], bytes]
) -> bytes:
    """
    Return every live case of ``organisation`` as an encrypted artifact made by ``seal``.

    The caller has checked that ``membership`` may export (the ``haven cases export`` command
    acts as ``SYSTEM``). Side effect: one ``vault.cases_exported``
    event with the case count, the artifact's size and its SHA-256.
    """
    document = export_document(organisation=organisation)
    artifact = seal(json.dumps(document, ensure_ascii=False, indent=1).encode())
    sha256 = hashlib.sha256(artifact).hexdigest()
    data = {"cases": len(document["cases"]), "bytes": len(artifact), "sha256": sha256}
    record_action(EventType.CASES_EXPORTED, membership, organisation, data)
    return artifact


def parse_import_bytes(data: bytes) -> Mapping[str, Any]:
    """Parse a plaintext import file; raise ImportInvalidError at ``$`` if it is not JSON."""
    try:
        return json.loads(data)  # type: ignore[no-any-return]
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportInvalidError(
            [
                (
                    "$",
                    f"not valid JSON ({error.msg} at line {error.lineno})"
                    if isinstance(error, json.JSONDecodeError)
                    else "not UTF-8 text",
                )
            ]
        ) from None
