"""The catalogue: seeding from programmes.json, audited edits, intake windows."""

import datetime

import pytest
from django.utils import translation

from haven.accounts.acting import SYSTEM
from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.programmes.models import IntakeWindow, Programme
from haven.programmes.services import (
    ProgrammeError,
    intake_window_save,
    programme_catalogue_seed,
    programme_update,
)
from haven.reference import seed_programmes
from tests.acting import acting
from tests.programmes.factories import make_programme, make_window


def events(event_type):
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def test_seeding_copies_the_catalogue_once(organisation, coordinator):
    """Seeding adds every catalogue programme with its facts; a second seed adds nothing."""
    first = programme_catalogue_seed(membership=acting(coordinator), organisation=organisation)
    second = programme_catalogue_seed(membership=acting(coordinator), organisation=organisation)

    catalogue = {entry["id"]: entry for entry in seed_programmes()}
    assert len(first) == len(catalogue)
    assert second == []
    stored = Programme.objects.get(organisation=organisation, catalogue_id="shelter_city_georgia")
    assert (
        stored.eligible_nationalities == catalogue["shelter_city_georgia"]["eligible_nationalities"]
    )
    assert stored.requires_return_intent is None
    assert len(events(EventType.PROGRAMME_CREATED)) == len(catalogue)


def test_seeding_keeps_an_organisations_edits_and_other_organisations_apart(
    organisation, other_organisation, coordinator
):
    """An edited programme survives a re-seed, and each organisation has its own catalogue."""
    programme_catalogue_seed(membership=acting(coordinator), organisation=organisation)
    edited = Programme.objects.get(organisation=organisation, catalogue_id="shelter_city_nl")
    programme_update(
        membership=acting(coordinator), programme=edited, changes={"places_per_year": 30}
    )

    programme_catalogue_seed(membership=acting(coordinator), organisation=organisation)
    programme_catalogue_seed(membership=SYSTEM, organisation=other_organisation)

    edited.refresh_from_db()
    assert edited.places_per_year == 30
    assert Programme.objects.filter(organisation=other_organisation).count() == len(
        seed_programmes()
    )


def test_an_edit_records_the_changed_field_names_not_their_values(organisation, coordinator):
    """The audit event names the changed fields only: free text never enters the chain (AUD-05)."""
    programme = make_programme(organisation)
    new_policy = "Fictional policy: asylum claims end the fellowship."

    changed = programme_update(
        membership=acting(coordinator),
        programme=programme,
        changes={"asylum_policy": new_policy, "family_allowed": True, "name": programme.name},
    )

    assert changed == ["asylum_policy"]
    [event] = events(EventType.PROGRAMME_UPDATED)
    assert event.data == {"fields": ["asylum_policy"]}
    assert new_policy not in str(event.data)
    programme.refresh_from_db()
    assert programme.asylum_policy == new_policy


def test_an_edit_that_changes_nothing_writes_no_event(organisation, coordinator):
    """Saving the form unchanged is not an audited change."""
    programme = make_programme(organisation)

    assert (
        programme_update(
            membership=acting(coordinator), programme=programme, changes={"scope": "international"}
        )
        == []
    )
    assert events(EventType.PROGRAMME_UPDATED) == []


def test_an_unknown_field_is_refused_and_nothing_changes(organisation, coordinator):
    """Only catalogue fields can be edited; anything else is refused before any write (AZ-08)."""
    programme = make_programme(organisation)

    with pytest.raises(ProgrammeError, match="organisation_id"):
        programme_update(
            membership=acting(coordinator),
            programme=programme,
            changes={"name": "Renamed", "organisation_id": "x"},
        )

    programme.refresh_from_db()
    assert programme.name.startswith("Harbour Test Fellowship")
    assert events(EventType.PROGRAMME_UPDATED) == []


def test_an_intake_window_is_saved_with_capacities_and_audited(organisation, coordinator):
    """A new window keeps its capacities per resource; the event says it was created."""
    window = make_window(make_programme(organisation), coordinator, places=5, beds=9)

    window.refresh_from_db()
    assert window.capacities == {"places": 5, "beds": 9}
    [event] = events(EventType.INTAKE_WINDOW_SAVED)
    assert event.data["created"] is True
    assert "capacities" in event.data["fields"]


def test_a_window_edit_names_only_what_changed(organisation, coordinator):
    """Changing the places of a window records that one field."""
    window = make_window(make_programme(organisation), coordinator, places=2)
    data = {field: getattr(window, field) for field in ("name", "opens_on", "closes_on")}

    intake_window_save(
        membership=acting(coordinator),
        programme=window.programme,
        window=window,
        data=data | {"capacities": {"places": 3}},
    )

    assert events(EventType.INTAKE_WINDOW_SAVED)[-1].data["fields"] == ["capacities"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_on": datetime.date(2026, 12, 1)}, "close before it opens"),
        ({"host_country": "FR"}, "one of the programme's host countries"),
        ({"capacities": {"beds": 2}}, "number of places"),
        ({"capacities": {"places": -1}}, "at least 0"),
    ],
)
def test_a_bad_window_is_refused_and_nothing_is_saved(organisation, coordinator, changes, message):
    """Each bad window is refused with a message saying what to fix; no row, no event."""
    programme = make_programme(organisation)

    with pytest.raises(ProgrammeError, match=message):
        make_window(programme, coordinator, **changes)

    assert not IntakeWindow.objects.exists()
    assert events(EventType.INTAKE_WINDOW_SAVED) == []


def test_a_bad_window_is_refused_in_the_language_of_whoever_reads_it(organisation, coordinator):
    """The refusal is raised in English and read in Spanish: every problem is translated then."""
    programme = make_programme(organisation)

    with translation.override("en"), pytest.raises(ProgrammeError) as refused:
        make_window(
            programme, coordinator, closes_on=datetime.date(2026, 12, 1), capacities={"places": -1}
        )
    with translation.override("es"):
        read = str(refused.value)

    assert read == (
        "La convocatoria no puede cerrarse antes de abrirse."
        " La capacidad places debe ser un número entero igual o mayor que 0."
    )
