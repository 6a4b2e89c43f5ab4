"""The demo has a stay at every stage (issue 12 item 10), seeded through the real services."""

from haven.cases.models import CaseStatus
from haven.demo import seed_all
from haven.relocations.models import (
    Extension,
    FollowUp,
    Preparation,
    Stay,
    StayReminder,
    StayStatus,
)


def test_the_demo_has_a_stay_at_every_stage_and_seeds_once(db, settings):
    settings.HAVEN_DEMO = True
    seed_all()
    first = sorted(Stay.objects.values_list("pk", flat=True))
    seed_all()

    assert sorted(Stay.objects.values_list("pk", flat=True)) == first
    stays = Stay.objects.filter(organisation__slug="harbour-light").select_related("case")
    statuses = {stay.status for stay in stays}
    case_statuses = {stay.case.status for stay in stays}
    assert {StayStatus.VISA_APPLIED, StayStatus.IN_STAY, StayStatus.EXTENSION_REQUESTED} <= statuses
    assert StayStatus.ENDED in statuses
    assert {
        CaseStatus.RELOCATION_PREPARATION,
        CaseStatus.IN_RELOCATION,
        CaseStatus.RETURNED_FOLLOW_UP,
        CaseStatus.ASYLUM_BRIDGE,
    } <= case_statuses
    assert Extension.objects.filter(decision="pending").exists()
    assert FollowUp.objects.exists()
    kinds = set(StayReminder.objects.values_list("kind", flat=True))
    assert {
        "check_in_overdue",
        "extension_waiting",
        "return_review_due",
        "arrival_unconfirmed",
        "passport_expiring",
    } <= kinds
    assert StayStatus.CANCELLED in statuses
    assert Preparation.objects.filter(travel_plan_shredded_at__isnull=False).exists()
