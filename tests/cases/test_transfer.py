"""Import and export in the haven.case-import/1 format: all or nothing, encrypted out (EXP-01)."""

import json

import pytest
from django.http import Http404
from django.urls import reverse
from pyrage import x25519

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.audit.verification import verify_chain
from haven.cases.errors import CaseError
from haven.cases.models import Assignment, Case, Defender, ImportRun, Note
from haven.cases.selectors import my_cases, visible_cases
from haven.cases.services import case_assign
from haven.cases.transfer import (
    ImportConflictError,
    ImportInvalidError,
    cases_export,
    cases_import,
    cases_import_abandon,
    export_document,
)
from haven.cli import main
from haven.vault import archives
from haven.vault.keyring import keyring_scope
from haven.vault.models import BlindIndexEntry, DataKey
from tests.cases.factories import CANARY_NAME, CANARY_NOTE, canary_facts, canary_identity


def import_document(*suffixes, code=None):
    cases = []
    for suffix in suffixes:
        item = {
            "identity": canary_identity(suffix),
            "facts": canary_facts(),
            "external_reference": f"REF{suffix}",
            "notes": [CANARY_NOTE + suffix],
        }
        if code:
            item["code"] = code
        cases.append(item)
    return {"schema": "haven.case-import/1", "cases": cases}


def test_import_then_export_round_trips_every_field(organisation):
    """Every imported field comes back, decrypted, in the export."""
    document = import_document(" A", " B")

    report = cases_import(membership=SYSTEM, organisation=organisation, document=document)
    exported = export_document(organisation=organisation)

    assert (report.created, report.updated) == (2, 0)
    assert [
        {key: value for key, value in item.items() if key != "code"} for item in exported["cases"]
    ] == document["cases"]


def test_export_reimported_elsewhere_is_identical(organisation, other_organisation):
    """An export imported into another organisation exports the same cases."""
    cases_import(membership=SYSTEM, organisation=organisation, document=import_document(" A", " B"))
    first = export_document(organisation=organisation)

    cases_import(membership=SYSTEM, organisation=other_organisation, document=first)
    second = export_document(organisation=other_organisation)

    assert second["cases"] == first["cases"]


def test_import_by_existing_code_updates_without_duplicating_notes(organisation):
    """A case whose code exists is updated in place and known notes are not added twice."""
    cases_import(membership=SYSTEM, organisation=organisation, document=import_document(" A"))
    code = Case.objects.get().code
    update = import_document(" A", code=code)
    update["cases"][0]["identity"]["phone"] = "+44 20 7946 0000"

    report = cases_import(membership=SYSTEM, organisation=organisation, document=update)
    exported = export_document(organisation=organisation)["cases"]

    assert (report.created, report.updated) == (0, 1)
    assert len(exported) == 1
    assert exported[0]["identity"]["phone"] == "+44 20 7946 0000"
    assert exported[0]["notes"] == [CANARY_NOTE + " A"]


def test_invalid_import_names_each_error_path_and_writes_nothing(organisation):
    """Errors in two cases are each reported with their JSON path; no case is created."""
    document = import_document(" A", " B", " C")
    del document["cases"][0]["identity"]["legal_name"]
    document["cases"][2]["identity"]["birth_date"] = "14 March 1987"
    document["cases"][2]["facts"]["defender"]["gender"] = "unknown-value"

    with pytest.raises(ImportInvalidError) as raised:
        cases_import(membership=SYSTEM, organisation=organisation, document=document)

    paths = [path for path, _message in raised.value.errors]
    assert "$.cases[0].identity" in paths
    assert "$.cases[2].identity.birth_date" in paths
    assert "$.cases[2].facts.defender.gender" in paths
    assert Case.objects.count() == 0
    assert Defender.objects.count() == 0


def test_encrypted_export_opens_with_the_recipient_identity(organisation):
    """The export is an age file with no canary in it; the partner's identity opens it; the audit has its hash."""
    cases_import(membership=SYSTEM, organisation=organisation, document=import_document(" A"))
    identity = x25519.Identity.generate()

    artifact = cases_export(
        membership=SYSTEM,
        organisation=organisation,
        seal=lambda data: archives.encrypt(data, recipients=[identity.to_public()]),
    )

    assert artifact.startswith(b"age-encryption.org/v1")
    assert CANARY_NAME.encode() not in artifact
    opened = json.loads(archives.decrypt(artifact, name="export", identities=[identity]))
    assert opened["cases"][0]["identity"]["legal_name"] == CANARY_NAME + " A"
    event = AuditEvent.objects.get(event_type=EventType.CASES_EXPORTED)
    assert event.data["bytes"] == len(artifact)
    assert len(event.data["sha256"]) == 64
    assert "_bidx" not in json.dumps(opened) and "token" not in json.dumps(opened)


def test_threats_prosecutions_and_dependants_round_trip_through_their_rows(organisation):
    """Imported facts are split into threat, prosecution and dependant rows and rebuilt unchanged on export."""
    from haven.cases.models import Dependant, Prosecution, Threat
    from tests.cases.factories import tension_facts

    facts = tension_facts()
    facts["threats"][0]["note"] = "canary: followed after the meeting"
    facts["prosecutions"] = [{"charge": "defamation", "stage": "charged", "max_penalty_years": 3}]
    facts["defender"]["dependants"] = [{"relation": "child", "age": 7, "would_accompany": True}]
    document = {
        "schema": "haven.case-import/1",
        "cases": [{"identity": canary_identity(), "facts": facts}],
    }

    cases_import(membership=SYSTEM, organisation=organisation, document=document)
    exported = export_document(organisation=organisation)

    assert (Threat.objects.count(), Prosecution.objects.count(), Dependant.objects.count()) == (
        2,
        1,
        1,
    )
    assert Threat.objects.order_by("recorded_at").first().narrative == facts["threats"][0]["note"]
    assert exported["cases"][0]["facts"] == facts


def test_importing_an_existing_code_replaces_its_threats(organisation):
    """A second import of the same code replaces the threat rows rather than adding to them."""
    from haven.cases.models import Threat
    from tests.cases.factories import tension_facts

    facts = tension_facts()
    first = {
        "schema": "haven.case-import/1",
        "cases": [{"code": "HV-KEEP01", "identity": canary_identity(), "facts": facts}],
    }
    cases_import(membership=SYSTEM, organisation=organisation, document=first)
    facts["threats"] = facts["threats"][:1]

    cases_import(membership=SYSTEM, organisation=organisation, document=first)

    assert Threat.objects.count() == 1


# Batched, resumable imports (issue 11, item 7) ------------------------------------------------


def test_an_interrupted_import_is_invisible_then_completed_by_a_rerun(organisation, coordinator):
    """Batches commit one by one; staged cases stay hidden; the same file finishes the run."""
    document = import_document(" A", " B", " C", " D", " E")
    member = coordinator.memberships.get()

    partial = cases_import(
        membership=SYSTEM,
        organisation=organisation,
        document=document,
        batch_size=2,
        batch_seconds=None,
        max_batches=2,
    )

    assert not partial.finished
    assert Case.objects.filter(staged=True).count() == 4  # committed, but...
    assert list(visible_cases(membership=member)) == []  # ...nobody sees them
    assert not AuditEvent.objects.filter(event_type=EventType.CASES_IMPORTED).exists()

    finished = cases_import(
        membership=SYSTEM, organisation=organisation, document=document, batch_size=2
    )

    assert finished.finished and finished.run_id == partial.run_id
    assert (finished.created, finished.updated) == (5, 0)
    assert Case.objects.count() == 5 and not Case.objects.filter(staged=True).exists()
    assert visible_cases(membership=member).count() == 5
    assert AuditEvent.objects.filter(event_type=EventType.CASES_IMPORTED).count() == 1


def test_another_file_waits_for_the_unfinished_import(organisation):
    cases_import(
        membership=SYSTEM,
        organisation=organisation,
        document=import_document(" A", " B", " C"),
        batch_size=1,
        max_batches=1,
    )

    with pytest.raises(ImportConflictError):
        cases_import(membership=SYSTEM, organisation=organisation, document=import_document(" Z"))


# Abandoning an unfinished import (issue 11 leftovers) ---------------------------------------


def interrupted_import(organisation, document):
    return cases_import(
        membership=SYSTEM,
        organisation=organisation,
        document=document,
        batch_size=2,
        batch_seconds=None,
        max_batches=2,
    )


def test_abandon_removes_the_staged_cases_their_defenders_and_keys(organisation):
    """The staged rows go (cases, notes, defenders, blind-index tokens, data keys), audited with
    ids and counts only; the same file then imports afresh."""
    before_keys = DataKey.objects.count()
    before_tokens = BlindIndexEntry.objects.count()
    document = import_document(" A", " B", " C", " D", " E")
    partial = interrupted_import(organisation, document)
    assert Case.objects.filter(staged=True).count() == 4

    report = cases_import_abandon(
        membership=SYSTEM, organisation=organisation, run_id=partial.run_id, batch_size=3
    )

    assert (report.removed, report.updated_kept) == (4, 0)
    assert not Case.objects.exists()
    assert not Defender.objects.exists()
    assert not Note.objects.exists()
    assert not ImportRun.objects.exists()
    assert DataKey.objects.count() == before_keys
    assert BlindIndexEntry.objects.count() == before_tokens
    event = AuditEvent.objects.get(event_type=EventType.CASES_IMPORT_ABANDONED)
    assert event.data == {"run_id": partial.run_id, "removed": 4, "updated_kept": 0}
    assert CANARY_NAME not in json.dumps(event.data)
    assert verify_chain().intact

    again = cases_import(membership=SYSTEM, organisation=organisation, document=document)
    assert again.run_id != partial.run_id and (again.created, again.updated) == (5, 0)


def test_abandon_keeps_updates_already_made_to_existing_cases(organisation):
    """An existing case the run updated was visible at once; abandoning does not undo it."""
    cases_import(membership=SYSTEM, organisation=organisation, document=import_document(" A"))
    existing = Case.objects.get()
    document = import_document(" A", " B", " C", " D", " E")
    document["cases"][0]["code"] = existing.code
    document["cases"][0]["external_reference"] = "REF-UPDATED"
    partial = interrupted_import(organisation, document)

    report = cases_import_abandon(
        membership=SYSTEM, organisation=organisation, run_id=partial.run_id
    )

    assert (report.removed, report.updated_kept) == (3, 1)
    assert list(Case.objects.all()) == [existing]
    with keyring_scope():
        assert Case.objects.get().external_reference == "REF-UPDATED"


def test_abandon_refuses_a_finished_or_foreign_import(organisation, other_organisation):
    finished = cases_import(
        membership=SYSTEM, organisation=organisation, document=import_document(" A")
    )
    partial = interrupted_import(organisation, import_document(" B", " C", " D", " E", " F"))

    with pytest.raises(CaseError):
        cases_import_abandon(membership=SYSTEM, organisation=organisation, run_id=finished.run_id)
    with pytest.raises(CaseError):
        cases_import_abandon(
            membership=SYSTEM, organisation=other_organisation, run_id=partial.run_id
        )
    assert Case.objects.filter(staged=True).count() == 4


def test_the_command_abandons_by_id(organisation, tmp_path, capsys):
    """``haven cases import --org SLUG --abandon ID``; the conflict message points to it."""
    partial = interrupted_import(organisation, import_document(" A", " B", " C", " D", " E"))
    other = tmp_path / "other.json"
    other.write_text(json.dumps(import_document(" Z")))

    assert main(["cases", "import", str(other), "--org", organisation.slug]) == 2
    assert f"--abandon {partial.run_id}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:  # argparse: exit 2 and its usage message
        main(["cases", "import", "--org", organisation.slug, "--abandon", "nonsense"])
    assert refused.value.code == 2
    assert main(["cases", "import", "--org", organisation.slug]) == 2

    assert main(["cases", "import", "--org", organisation.slug, "--abandon", partial.run_id]) == 0

    assert "4 staged cases removed" in capsys.readouterr().out
    assert not Case.objects.exists()
    assert main(["cases", "import", str(other), "--org", organisation.slug]) == 0


# Staged cases reach no list (issue 11 leftovers) ---------------------------------------------


def test_a_staged_case_has_no_team_and_no_member_can_put_one_on_it(organisation, coordinator):
    """The import opens its cases as ``SYSTEM``, with no one assigned; a member may not assign."""
    member = coordinator.memberships.get()
    interrupted_import(organisation, import_document(" A", " B", " C", " D", " E"))
    staged = Case.objects.filter(staged=True).first()

    assert not Assignment.objects.filter(case__staged=True).exists()
    with pytest.raises(Http404):
        case_assign(membership=member, case=staged, assignee=member)
    assert not Assignment.objects.exists()


def test_my_cases_and_the_dashboard_leave_out_a_staged_case_even_when_assigned(
    organisation, caseworker, sign_in_as
):
    """
    Only ``SYSTEM`` could put a member on a staged case (no code does yet): "My cases" still
    follows the visibility rule, and a staged case is nobody's until its import finishes.
    """
    member = caseworker.memberships.get()
    document = import_document(" A", " B", " C", " D", " E")
    interrupted_import(organisation, document)
    staged = Case.objects.filter(staged=True).order_by("code").first()
    case_assign(membership=SYSTEM, case=staged, assignee=member)

    assert my_cases(membership=member) == []
    page = sign_in_as(caseworker).get(reverse("web:dashboard"))
    assert page.status_code == 200
    assert staged.code not in page.content.decode()

    cases_import(membership=SYSTEM, organisation=organisation, document=document)

    assert [case.pk for case in my_cases(membership=member)] == [staged.pk]
