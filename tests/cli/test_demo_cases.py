"""The demo seeds forty fictional cases that give every screen something to show."""

from collections import Counter

from haven.cases.models import Assessment, Case, CaseStatus
from haven.demo import seed_all
from haven.organisations.models import Membership, Role


def test_the_demo_seeds_forty_cases_across_statuses_countries_and_teams(db, settings):
    """Forty cases, twenty per organisation, every status but erased, several countries, each demo caseworker assigned; seeding twice is once."""
    settings.HAVEN_DEMO = True

    seed_all()
    seed_all()

    # The relocations seeder adds its own cases, each with a stay; these are the cases seeder's.
    cases = list(
        Case.objects.filter(stays__isnull=True).select_related("data_key__organisation_key")
    )
    per_organisation = Counter(case.organisation_id for case in cases)
    statuses = {case.status for case in cases}
    countries = {case.facts.get("defender", {}).get("nationalities", [""])[0] for case in cases}
    assert len(cases) == 40
    assert set(per_organisation.values()) == {20}
    assert statuses == set(CaseStatus) - {CaseStatus.ERASED}
    assert len(countries) >= 4
    for caseworker in Membership.objects.filter(role=Role.CASEWORKER):
        assert caseworker.case_assignments.count() >= 5
    assert Assessment.objects.count() >= 10
    assert Case.objects.filter(risk_views_diverge=True).exists()
