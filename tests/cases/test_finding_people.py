"""
Finding people (issue 15, item 4): accent- and case-blind partial names, phone numbers in local
formats, digits of any script, through the blind indexes only (BI-01, BI-02, BI-04); and the
re-index that cases migration 0008 runs over existing defenders.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.cases.models import Defender
from haven.cases.services import CaseError, case_open, defender_search, defenders_reindex
from haven.cli import main
from haven.vault.blind_index import qualified_index_name
from haven.vault.models import BlindIndexEntry
from tests.acting import acting
from tests.cases.factories import canary_facts, canary_identity


def _open(organisation, legal_name, *, phone=None, other_names=None, email=None):
    identity = canary_identity()
    identity.update(legal_name=legal_name, other_names=other_names or [], email=email)
    identity["document_number"] = f"DOC-{legal_name}"
    identity["phone"] = phone
    return case_open(
        membership=acting(None), organisation=organisation, identity=identity, facts=canary_facts()
    )


def _names(coordinator, organisation, field, value):
    found = defender_search(
        membership=acting(coordinator), organisation=organisation, field=field, value=value
    )
    return sorted(defender.legal_name for defender in found)


@pytest.fixture
def people(organisation):
    _open(organisation, "José Álvarez García", phone="+44 7700 900123")
    _open(organisation, "Marta Garcés Ñúñez", phone="+57 310 555 0101")
    _open(organisation, "Fatima al-Zahraa Haddad", phone="0790 123 4567", other_names=["أم يوسف"])
    _open(organisation, "Seán O'Brien", phone="+1 415 555 0188")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("garcia", ["José Álvarez García"]),  # a surname alone, without its accent
        ("GARCÍA", ["José Álvarez García"]),
        ("gar", ["José Álvarez García", "Marta Garcés Ñúñez"]),  # three letters begin both
        ("garc", ["José Álvarez García", "Marta Garcés Ñúñez"]),
        ("garci", ["José Álvarez García"]),
        ("jose garc", ["José Álvarez García"]),  # every word typed must begin a word of the name
        ("marta alvarez", []),  # words of two different people do not combine
        ("nunez", ["Marta Garcés Ñúñez"]),
        ("zahraa", ["Fatima al-Zahraa Haddad"]),  # hyphens break words
        ("obrien", ["Seán O'Brien"]),  # apostrophes do not
        ("sean o'brien", ["Seán O'Brien"]),
        ("يوسف", ["Fatima al-Zahraa Haddad"]),  # other names, Arabic script
        ("haddam", []),
    ],
)
def test_partial_accent_blind_names(people, coordinator, organisation, term, expected):
    assert _names(coordinator, organisation, "name", term) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("07700 900123", ["José Álvarez García"]),  # national format of +44 7700 900123
        ("7700-900-123", ["José Álvarez García"]),
        ("0044 7700 900123", ["José Álvarez García"]),
        ("+1 7700 900123", []),  # the same digits in another country are another number
        ("310 555 0101", ["Marta Garcés Ñúñez"]),
        ("+962 790 123 4567", ["Fatima al-Zahraa Haddad"]),  # stored national, searched abroad
        ("٠٧٩٠ ١٢٣ ٤٥٦٧", ["Fatima al-Zahraa Haddad"]),  # Arabic-Indic digits
        ("۰۷۹۰ ۱۲۳ ۴۵۶۷", ["Fatima al-Zahraa Haddad"]),  # Persian digits
        ("555 0199", []),
    ],
)
def test_phone_in_local_formats(people, coordinator, organisation, term, expected):
    assert _names(coordinator, organisation, "phone", term) == expected


@pytest.mark.parametrize(
    ("field", "term", "message"),
    [
        ("name", "ga", "at least 3 letters"),
        ("name", "  -- ", "at least 3 letters"),
        ("phone", "555 01", "last 7 digits"),
        ("email", "   ", "Type what to search for"),
        ("address", "Calle", "cannot be searched by"),
    ],
)
def test_too_short_or_unknown_is_a_clear_refusal(
    people, coordinator, organisation, field, term, message
):
    """A term under the minimum is refused with a message, and counts as no search."""
    with pytest.raises(CaseError, match=message):
        defender_search(
            membership=acting(coordinator), organisation=organisation, field=field, value=term
        )
    assert not AuditEvent.objects.filter(event_type=EventType.BLIND_SEARCH).exists()


def test_short_words_find_a_whole_name(organisation, coordinator):
    """A name made of words under three letters is found whole, through the exact index."""
    _open(organisation, "Li Wu")
    _open(organisation, "Li Wen")

    assert _names(coordinator, organisation, "name", "li  WU") == ["Li Wu"]


def test_partial_search_audits_tokens_only(people, coordinator, organisation):
    """The event holds the tokens and counts; never the term or a piece of it (BI-04)."""
    _names(coordinator, organisation, "name", "garc")

    event = AuditEvent.objects.get(event_type=EventType.BLIND_SEARCH)
    assert event.data["index"] == "name"
    assert event.data["matches"] == 2
    assert event.data["candidates"] >= 2
    assert all(len(token) == 2 for token in event.data["tokens"])
    assert "gar" not in str(event.data)


def test_outsider_partial_search_is_a_miss(people, organisation, outsider):
    """A member of another organisation finds nothing, exactly like a miss (BI-04)."""
    assert (
        defender_search(
            membership=acting(outsider), organisation=organisation, field="name", value="garcia"
        )
        == []
    )


def test_search_decrypts_only_the_candidates(organisation, coordinator):
    """Among many defenders a search opens the keys of its few candidates in one query."""
    for number in range(40):
        _open(organisation, f"Persona Ficticia{number:02d} Nombrada")
    _open(organisation, "Quetzalli Xochitl Tlacuilo")

    with CaptureQueriesContext(connection) as queries:
        found = _names(coordinator, organisation, "name", "xochi")

    assert found == ["Quetzalli Xochitl Tlacuilo"]
    reads = [query["sql"] for query in queries.captured_queries if "cases_defender" in query["sql"]]
    assert len(reads) == 1


def test_name_tokens_are_padded_to_a_fixed_count(organisation):
    """A one-word name and a five-word name hold as many prefix tokens (docs/vault.md)."""
    short = _open(organisation, "Zoë").defenders.get()
    long = _open(organisation, "Ana Beatriz Carolina Dolores Estévez").defenders.get()
    name = qualified_index_name(Defender, Defender.vault_blind_indexes[2])

    counts = [
        BlindIndexEntry.objects.filter(owner_id=d.pk, index_name=name).count()
        for d in (short, long)
    ]
    assert counts == [6, 6]


def test_reindex_migration_rebuilds_tokens_of_existing_rows(people, coordinator, organisation):
    """
    Rows indexed before migration 0008 (here: their tokens gone, as if written by the old
    normalisers) are found by a partial name again once the migration's step has run.
    """
    BlindIndexEntry.objects.all().delete()
    assert _names(coordinator, organisation, "name", "garcia") == []

    migration = importlib.import_module("haven.cases.migrations.0008_reindex_for_partial_search")
    migration.reindex(django_apps, None)

    assert _names(coordinator, organisation, "name", "garcia") == ["José Álvarez García"]
    assert _names(coordinator, organisation, "phone", "07700900123") == ["José Álvarez García"]


def test_reindex_replaces_stale_tokens_and_resumes_in_batches(people, organisation):
    """Re-indexing in batches of one gives each defender the same number of tokens as before."""
    before = sorted(BlindIndexEntry.objects.values_list("owner_id", "index_name"))
    BlindIndexEntry.objects.filter(index_name__endswith="name_prefixes").update(token="00")

    assert defenders_reindex(batch_size=1) == 4

    assert sorted(BlindIndexEntry.objects.values_list("owner_id", "index_name")) == before
    assert BlindIndexEntry.objects.filter(token="00").count() < 2


def test_reindex_skips_erased_defenders(people, organisation):
    erased = Defender.objects.order_by("created_at").first()
    Defender.objects.filter(pk=erased.pk).update(erased_at="2026-01-01T00:00:00Z")
    BlindIndexEntry.objects.filter(owner_id=erased.pk).delete()

    assert defenders_reindex() == 3
    assert not BlindIndexEntry.objects.filter(owner_id=erased.pk).exists()


def test_padding_tokens_do_not_change_when_indexed_again(people):
    """Padding is keyed on the row, so two backups around a re-index show the same tokens."""
    before = sorted(BlindIndexEntry.objects.values_list("owner_id", "index_name", "token"))

    defenders_reindex()

    assert sorted(BlindIndexEntry.objects.values_list("owner_id", "index_name", "token")) == before


def test_reindex_command_prints_how_many(people, capsys):
    """``haven vault reindex`` re-indexes the live defenders and says how many."""
    BlindIndexEntry.objects.all().delete()

    assert main(["vault", "reindex", "--batch-size", "3"]) == 0

    assert "re-indexed 4 defenders" in capsys.readouterr().out
    assert BlindIndexEntry.objects.filter(index_name__endswith="phone_tail").count() == 4


def test_reindex_without_the_master_key_exits_2(people, capsys, settings):
    settings.HAVEN_MASTER_KEY = ""
    settings.HAVEN_MASTER_KEY_FILE = ""

    assert main(["vault", "reindex"]) == 2
    assert "haven vault reindex:" in capsys.readouterr().err
