"""The fictional case generator: schema-valid, deterministic, varied and unmistakably fictional."""

import json
import re
from importlib import resources

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from haven.domain.facts import parse_facts
from haven.domain.lifecycle import CaseStatus
from haven.fictional import generate_cases
from haven.reference import civicus_ratings, seed_programmes


def load_schema(name: str) -> dict:
    return json.loads(resources.files("haven").joinpath(f"spec/{name}").read_text("utf-8"))


def import_validator() -> Draft202012Validator:
    """A validator for haven.case-import/1 that resolves its $ref to the packaged facts schema."""
    import_schema = load_schema("case-import.schema.json")
    facts = Resource.from_contents(load_schema("case-facts.schema.json"))
    registry = Registry().with_resources(
        [("case-facts.schema.json", facts), ("haven.case-import/case-facts.schema.json", facts)]
    )
    return Draft202012Validator(
        import_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def forty():
    return generate_cases(40, seed=2026)


@pytest.mark.parametrize("seed", [0, 1, 7, 2026, 99991])
def test_every_generated_document_is_valid_against_the_import_schema(seed):
    """Generated documents follow haven.case-import/1 and haven.case-facts/1 exactly."""
    document, _ = generate_cases(40, seed=seed, organisation="harbour-light")

    errors = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in import_validator().iter_errors(document)
    ]
    assert errors == []


def test_the_validator_really_checks_the_facts_schema():
    """A case with a fact outside the schema fails validation, so the test above can fail."""
    document, _ = generate_cases(1, seed=3)
    document["cases"][0]["facts"]["defender"]["gender"] = "unknown-value"

    assert not import_validator().is_valid(document)


def test_the_same_seed_gives_the_same_cases_and_another_seed_different_ones():
    """The generator is deterministic for a seed."""
    assert generate_cases(20, seed=5) == generate_cases(20, seed=5)
    assert generate_cases(20, seed=5).document != generate_cases(20, seed=6).document


def test_statuses_stay_outside_the_document_and_name_every_case(forty):
    """Each case has a lifecycle status, keyed by its external reference, outside the schema."""
    references = [case["external_reference"] for case in forty.document["cases"]]

    assert list(forty.statuses) == references
    assert "status" not in json.dumps(forty.document["cases"][0]["identity"])
    assert set(forty.statuses.values()) == set(CaseStatus)


def test_forty_cases_cover_every_relocation_status_and_several_countries(forty):
    """The demo batch shows every relocation status, at least five countries and many profiles."""
    facts = [case["facts"] for case in forty.document["cases"]]

    assert {f["relocation"]["status"] for f in facts} == {
        "none",
        "applied",
        "accepted",
        "in_relocation",
        "returned",
    }
    assert len({f["defender"]["nationalities"][0] for f in facts}) >= 5
    assert len({p for f in facts for p in f["defender"]["profiles"]}) >= 8
    assert len({f["defender"]["own_risk_level"] for f in facts}) >= 3
    assert any("claim" in f for f in facts)
    assert any("prosecutions" in f for f in facts)


def test_forty_cases_include_tensions_worth_showing(forty):
    """Some defenders abroad do not intend to return to a programme that requires return."""
    facts = [case["facts"] for case in forty.document["cases"]]
    return_conflicts = [
        f
        for f in facts
        if f["relocation"]["status"] == "in_relocation"
        and f["relocation"].get("programme_requires_return") is True
        and f["defender"].get("intends_to_return") is False
    ]
    threatened_after_leaving = [
        f for f in facts if any(t.get("after_departure") for t in f.get("threats", []))
    ]

    assert len(return_conflicts) >= 3
    assert len(threatened_after_leaving) >= 2


def test_relocation_facts_fit_the_lifecycle_status(forty):
    """A case in relocation is abroad in its host country; a returned one is home."""
    for case in forty.document["cases"]:
        status = forty.statuses[case["external_reference"]]
        relocation = case["facts"]["relocation"]
        defender = case["facts"]["defender"]
        if status in (CaseStatus.IN_RELOCATION, CaseStatus.RETURN_REVIEW):
            assert relocation["status"] == "in_relocation"
            assert defender["current_country"] == relocation["host_country"]
        if status is CaseStatus.RETURNED_FOLLOW_UP:
            assert relocation["status"] == "returned"
            assert defender["current_country"] == defender["nationalities"][0]
        if status is CaseStatus.APPLYING:
            assert relocation["status"] == "applied"


def test_civic_space_matches_the_reference_ratings_or_is_left_unknown(forty):
    """The civic-space fact is the CIVICUS rating of the country, or absent when it is not rated."""
    ratings = civicus_ratings().ratings
    for case in forty.document["cases"]:
        context = case["facts"].get("context")
        if context is None:
            continue
        assert context.get("civic_space") == ratings.get(context["country"])


PHONE_RANGES = re.compile(r"^(\+44 7700 900\d{3}|\+1 202 555 01\d{2})$")


def test_identities_are_unmistakably_fictional_and_unique(forty):
    """Names say (fictional), phones are in reserved ranges, e-mails @example.org, documents FICT-."""
    identities = [case["identity"] for case in forty.document["cases"]]

    for identity in identities:
        assert identity["legal_name"].endswith("(fictional)")
        assert all(name.endswith("(fictional)") for name in identity["other_names"])
        assert PHONE_RANGES.match(identity["phone"]), identity["phone"]
        assert identity["email"].endswith("@example.org")
        assert identity["document_number"].startswith("FICT-")
        assert "(fictional)" in identity["address"]
    assert len({i["email"] for i in identities}) == len(identities)
    assert len({i["document_number"] for i in identities}) == len(identities)


def test_a_woman_human_rights_defender_is_recorded_as_a_woman(forty):
    """Profiles and gender do not contradict each other."""
    for case in forty.document["cases"]:
        defender = case["facts"]["defender"]
        if "woman_hrd" in defender["profiles"]:
            assert defender["gender"] == "woman"


def test_a_negative_count_is_refused():
    """Asking for fewer than zero cases is a clear error."""
    with pytest.raises(ValueError, match="count must be zero or more"):
        generate_cases(-1, seed=1)


def test_every_generated_case_passes_the_facts_semantic_checks(forty):
    """The decision engines accept every fictional case: no contradictory facts."""
    for case in forty.document["cases"]:
        parse_facts(case["facts"])


def test_relocations_name_catalogue_programmes_in_their_host_countries(forty):
    """A relocation's programme exists in the seed catalogue and hosts in the stated country."""
    catalogue = {entry["id"]: entry for entry in seed_programmes()}
    for case in forty.document["cases"]:
        relocation = case["facts"]["relocation"]
        if relocation["status"] == "none":
            continue
        programme = catalogue[relocation["programme_id"]]
        assert relocation["host_country"] in programme["host_countries"]
        assert relocation.get("programme_requires_return") == programme["requires_return_intent"]
