"""The demo seeds each organisation's catalogue, a few intake windows and waiting applications."""

from haven.accounts.acting import SYSTEM
from haven.cases.selectors import CLOSED_STATUSES
from haven.demo import seed_all
from haven.demo.programmes import DEMO_APPLICATIONS
from haven.organisations.models import Organisation
from haven.programmes.models import Application, IntakeWindow, Programme
from haven.programmes.services import matching_run_create
from haven.reference import seed_programmes


def test_the_demo_seed_is_idempotent_and_ready_for_a_matching_run(db, settings):
    """
    The programmes seeder runs after the cases seeder, so the first seeding already submits
    applications for demo cases that are choosing a pathway; seeding again adds nothing.
    """
    settings.HAVEN_DEMO = True
    seed_all()
    first = sorted(Application.objects.values_list("pk", flat=True))
    seed_all()

    assert Programme.objects.count() == 2 * len(seed_programmes())
    assert IntakeWindow.objects.count() == 2 * 3
    assert sorted(Application.objects.values_list("pk", flat=True)) == first
    for organisation in Organisation.objects.all():
        applications = Application.objects.filter(organisation=organisation)
        assert 0 < applications.count() <= DEMO_APPLICATIONS
        assert set(applications.values_list("status", flat=True)) == {"submitted"}
        assert not applications.filter(case__status__in=CLOSED_STATUSES).exists()
    harbour = Organisation.objects.get(slug="harbour-light")
    windows = list(IntakeWindow.objects.filter(organisation=harbour))
    run = matching_run_create(membership=SYSTEM, organisation=harbour, windows=windows)
    assert (
        len(run.problem["applicants"])
        == Application.objects.filter(organisation=harbour).values("case").distinct().count()
    )
