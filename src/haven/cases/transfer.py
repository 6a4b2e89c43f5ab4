"""
Import and export of cases in the ``haven.case-import/1`` format (spec/case-import.schema.json).

An import is validated as a whole before anything is written, and every error is reported with
its JSON path; then it runs in small batches that each commit (an ``ImportRun`` records how far it
got), so it never holds the database or the audit chain for long, and a run cut off half-way is
completed by importing the same file again. New cases stay staged, invisible, until the last
batch is in. An export is built in memory, encrypted by the caller's ``seal`` function (age) and only the
encrypted artifact leaves this module; its size and SHA-256 are audited (EXP-01, EXP-02).
"""

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from haven.accounts.acting import Acting, SystemActor, record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.facts_mapping import build_facts
from haven.cases.models import (
    Case,
    CaseDefender,
    CaseStatus,
    Defender,
    Dependant,
    ImportRun,
    Note,
    Prosecution,
    Threat,
)
from haven.cases.selectors import case_principal_defender
from haven.cases.services import (
    IDENTITY_FIELDS,
    case_open,
    case_replace_facts,
    case_update,
    defender_update,
    note_add,
)
from haven.domain.facts import is_real_date
from haven.organisations.models import Organisation
from haven.vault.blind_index import blind_index_delete
from haven.vault.keyring import keyring_scope
from haven.vault.models import DataKey

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
    run_id: str = ""
    finished: bool = True


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


@cache
def fast_import_validator() -> Callable[[object], object]:
    """
    The import format compiled to Python by fastjsonschema, which only answers "valid?", several
    times faster than ``jsonschema`` (issue 17: the validation fast path).

    The case-facts schema is put in place of its ``$ref`` and its ``$defs`` at the root, where
    its own ``#/$defs/...`` references find them; both schemas use no keyword whose meaning
    differs in draft 7 (``haven.domain.facts``). Formats are checked as ``jsonschema`` checks
    them here: a date must exist on the calendar; a date-time is not checked (``jsonschema``
    checks it only with ``rfc3339-validator``, which Haven does not install).
    """
    facts = _schema_text("case-facts.schema.json")
    definitions = facts.pop("$defs")
    envelope = _schema_text("case-import.schema.json")
    for schema in (facts, envelope):
        del schema["$id"], schema["$schema"]
    envelope["properties"]["cases"]["items"]["properties"]["facts"] = facts
    envelope |= {"$defs": definitions, "$schema": "http://json-schema.org/draft-07/schema#"}
    validate: Callable[[object], object] = fastjsonschema.compile(
        envelope, formats={"date": is_real_date, "date-time": lambda _value: True}
    )
    return validate


def validate_import(document: Any, organisation: Organisation) -> list[tuple[str, str]]:
    """
    Return every problem in ``document`` as ``(json_path, message)``, sorted by path.

    A valid document takes the fast path; ``jsonschema`` is asked only for one already known to
    be invalid, to list every error with its path.
    """
    try:
        fast_import_validator()(document)
        errors = []
    except fastjsonschema.JsonSchemaValueException:
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


IMPORT_BATCH_SIZE = 10
# A batch also ends after this long, however few cases it holds, so a slow machine or large cases
# never hold the database for longer than this at a time.
BATCH_SECONDS = 0.5
SQLITE_GAP_SECONDS = 0.12
ANOTHER_IMPORT_UNFINISHED = _(
    "Another import into this organisation (id %(run)s) is unfinished: run it again with the same "
    "file to complete it, or abandon it with --abandon %(run)s, before importing a different one."
)


class ImportConflictError(CaseError):
    """A different file's import into the same organisation is still unfinished."""


def document_digest(document: Any) -> str:
    """Return the SHA-256 of the document's canonical JSON: how a rerun finds its import run."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_operator(membership: Acting) -> None:
    """
    Refuse every member, as not found (AZ-01, AZ-02): a bulk import or export reaches every case
    of the organisation past their access lists (AZ-03), which no role grants, so only an
    operator's ``haven cases`` command, acting as ``SYSTEM``, may run one.
    """
    if not isinstance(membership, SystemActor):
        raise Http404


def _import_item(
    *, membership: Acting, organisation: Organisation, item: Mapping[str, Any], run: ImportRun
) -> bool:
    """Create or update one case of the file; return True when it was created."""
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
        Case.objects.filter(pk=case.pk).update(staged=True, import_run=run)
        known_notes: set[str] = set()
        created = True
    else:
        case = case_replace_facts(membership=membership, case=existing, facts=item["facts"])
        if item.get("external_reference") is not None:
            case_update(
                membership=membership, case=case, external_reference=item["external_reference"]
            )
        defender = case_principal_defender(membership=membership, case=case)
        if defender is not None:
            full_identity = {name: identity.get(name) for name in IDENTITY_FIELDS}
            defender_update(
                membership=membership, case=case, defender=defender, identity=full_identity
            )
        known_notes = {note.body for note in Note.objects.filter(case=case)}
        created = False
    for body in item.get("notes", []):
        if body not in known_notes:
            note_add(membership=membership, case=case, body=body)
            known_notes.add(body)
    return created


def _open_run(organisation: Organisation, document: Any) -> ImportRun:
    """Return the unfinished run of this very file, or a new one; refuse beside another file's."""
    digest = document_digest(document)
    with transaction.atomic():
        unfinished = ImportRun.objects.select_for_update().filter(
            organisation=organisation, finished_at__isnull=True
        )
        for run in unfinished:
            if run.digest == digest:
                return run
            raise ImportConflictError(ANOTHER_IMPORT_UNFINISHED, run=run.pk)
        return ImportRun.objects.create(
            organisation=organisation, digest=digest, total=len(document["cases"])
        )


def cases_import(
    *,
    membership: Acting,
    organisation: Organisation,
    document: Any,
    batch_size: int = IMPORT_BATCH_SIZE,
    batch_seconds: float | None = BATCH_SECONDS,
    max_batches: int | None = None,
) -> ImportReport:
    """
    Create or update the cases in ``document`` (validated here), in batches that each commit.

    A case whose ``code`` exists in the organisation is updated: facts (with their threat,
    prosecution and dependant rows), external reference and the principal defender's identity are
    replaced, notes not already present are added. Any other case is opened with its code (or a
    new one) and stays staged, invisible to members, until the whole file is in.

    Each batch of ``batch_size`` items (or fewer, once ``batch_seconds`` have passed; None for no
    time limit, as the benchmark's one-transaction baseline needs) is one transaction that also advances the ``ImportRun``, so
    the audit chain head and the database are held for one batch at a time, never for the whole
    file, and a run cut off anywhere resumes where it stopped when the same file is imported
    again. ``max_batches`` stops early (for slicing, and for tests of an interrupted run); the
    report then says ``finished=False``. Side effect: one ``vault.cases_imported`` event with the
    counts, in the transaction that releases the staged cases. Raises ImportInvalidError listing
    each error's JSON path, and ImportConflictError while another file's import is unfinished.
    Permission: ``SYSTEM`` only (``check_operator``).
    """
    check_operator(membership)
    errors = validate_import(document, organisation)
    if errors:
        raise ImportInvalidError(errors)
    run = _open_run(organisation, document)
    items = document["cases"]
    batches = 0
    while run.next_index < len(items):
        if max_batches is not None and batches >= max_batches:
            return ImportReport(run.created, run.updated, run_id=str(run.pk), finished=False)
        with transaction.atomic(), keyring_scope():
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            started = time.monotonic()
            stop = min(run.next_index + batch_size, len(items))
            for index in range(run.next_index, stop):
                if _import_item(
                    membership=membership, organisation=organisation, item=items[index], run=run
                ):
                    run.created += 1
                else:
                    run.updated += 1
                run.next_index = index + 1
                if batch_seconds is not None and time.monotonic() - started > batch_seconds:
                    break
            run.save(update_fields=["next_index", "created", "updated"])
        batches += 1
        if connection.vendor == "sqlite":
            # SQLite's busy handler polls a waiting writer only every 100 ms; without a gap the
            # next batch would take the lock again first and starve the web app's writes.
            time.sleep(SQLITE_GAP_SECONDS)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.finished_at is None:
            Case.objects.filter(import_run=run, staged=True).update(staged=False)
            run.finished_at = timezone.now()
            run.save(update_fields=["finished_at"])
            record_action(
                EventType.CASES_IMPORTED,
                membership,
                run,
                {"created": run.created, "updated": run.updated},
            )
    return ImportReport(run.created, run.updated, run_id=str(run.pk), finished=True)


IMPORT_NOT_FOUND = _("No unfinished import with the id %(run)s in this organisation.")
ABANDON_BATCH_SIZE = 50


@dataclass(frozen=True)
class AbandonReport:
    removed: int
    updated_kept: int


def _remove_staged_batch(run: ImportRun, size: int) -> int:
    """Delete up to ``size`` staged cases of ``run`` with their defenders and keys; return how many."""
    cases = list(
        Case.objects.select_for_update().filter(import_run=run, staged=True).order_by("pk")[:size]
    )
    if not cases:
        return 0
    links = CaseDefender.objects.filter(case__in=cases)
    defender_ids = set(links.values_list("defender_id", flat=True))
    shared = set(
        CaseDefender.objects.filter(defender_id__in=defender_ids)
        .exclude(case__in=cases)
        .values_list("defender_id", flat=True)
    )
    defenders = list(Defender.objects.filter(pk__in=defender_ids - shared))
    with keyring_scope() as ring:
        for case in cases:
            ring.destroy_data_key(case.vault_key_ref())
        for defender in defenders:
            ring.destroy_data_key(defender.vault_key_ref())
    blind_index_delete([defender.pk for defender in defenders])
    key_ids = [case.data_key_id for case in cases] + [d.data_key_id for d in defenders]
    Case.objects.filter(pk__in=[case.pk for case in cases]).delete()
    Defender.objects.filter(pk__in=[defender.pk for defender in defenders]).delete()
    DataKey.objects.filter(pk__in=key_ids).delete()
    return len(cases)


def cases_import_abandon(
    *, membership: Acting, organisation: Organisation, run_id: Any, batch_size: int = 0
) -> AbandonReport:
    """
    Give up an unfinished import: delete the cases it staged, then the run itself.

    The staged cases were never visible to members. Each is removed with its notes and other
    records, the defenders no other case names, their blind-index tokens, and their data keys
    (destroyed first, then deleted), a batch of ``batch_size`` cases per transaction, so an
    abandon never holds the database for long and one cut off is finished by running it again.
    Existing cases the run already updated keep their updates (they were committed and visible;
    the report counts them). Permission: ``SYSTEM`` only (``check_operator``). Side effect: one ``vault.cases_import_abandoned``
    event with the run id and counts, in the transaction that deletes the run. Raises CaseError
    when the organisation has no unfinished import with that id.
    """
    check_operator(membership)
    size = batch_size or ABANDON_BATCH_SIZE
    run = ImportRun.objects.filter(
        organisation=organisation, pk=run_id, finished_at__isnull=True
    ).first()
    if run is None:
        raise CaseError(IMPORT_NOT_FOUND, run=run_id)
    removed = 0
    while True:
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().filter(pk=run.pk).first()
            if locked is None or locked.finished_at is not None:
                raise CaseError(IMPORT_NOT_FOUND, run=run_id)
            batch = _remove_staged_batch(locked, size)
            if not batch:
                data = {
                    "run_id": str(locked.pk),
                    "removed": removed,
                    "updated_kept": locked.updated,
                }
                record_action(EventType.CASES_IMPORT_ABANDONED, membership, organisation, data)
                locked.delete()
                return AbandonReport(removed=removed, updated_kept=locked.updated)
        removed += batch
        if connection.vendor == "sqlite":
            time.sleep(SQLITE_GAP_SECONDS)


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
        Case.objects.filter(organisation=organisation, staged=False)
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

    Permission: ``SYSTEM`` only (``check_operator``; the ``haven cases export`` command). Side
    effect: one ``vault.cases_exported`` event with the case count, the artifact's size and its
    SHA-256.
    """
    check_operator(membership)
    document = export_document(organisation=organisation)
    artifact = seal(json.dumps(document, ensure_ascii=False, indent=1).encode())
    sha256 = hashlib.sha256(artifact).hexdigest()
    data = {"cases": len(document["cases"]), "bytes": len(artifact), "sha256": sha256}
    record_action(EventType.CASES_EXPORTED, membership, organisation, data)
    return artifact
