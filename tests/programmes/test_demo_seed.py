"""The demo seeds each organisation's catalogue, a few intake windows and waiting applications."""

from haven.accounts.models import Organisation
from haven.demo import seed_all
from haven.programmes.models import Application, IntakeWindow, Programme
from haven.programmes.services import matching_run_create
from haven.reference import seed_programmes
from tests.programmes.factories import open_fictional_case


def test_the_demo_seed_is_idempotent_and_ready_for_a_matching_run(db, settings):
    """Seeding twice equals seeding once; cases seeded meanwhile get submitted applications."""
    settings.HAVEN_DEMO = True
    seed_all()
    harbour = Organisation.objects.get(slug="harbour-light")
    open_fictional_case(harbour)
    open_fictional_case(harbour, threats=[])

    seed_all()
    seed_all()

    assert Programme.objects.count() == 2 * len(seed_programmes())
    assert IntakeWindow.objects.count() == 2 * 3
    assert sorted(Application.objects.values_list("status", flat=True)) == ["submitted"] * 2
    windows = list(IntakeWindow.objects.filter(organisation=harbour))
    run = matching_run_create(actor=None, organisation=harbour, windows=windows)
    assert len(run.problem["applicants"]) == 2
