"""The demo gives the staff intake queue something to triage."""

from haven.demo import seed_all
from haven.portal.models import Referral, ReferralStatus
from haven.relocations.models import CheckIn, RecordSource, StayEvent


def test_the_demo_seeds_waiting_referrals_once(db, settings):
    settings.HAVEN_DEMO = True

    seed_all()
    seed_all()

    referrals = list(
        Referral.objects.filter(status=ReferralStatus.PENDING).select_related(
            "data_key__organisation_key"
        )
    )
    assert len(referrals) == 2
    assert {referral.status for referral in referrals} == {ReferralStatus.PENDING}
    assert all(referral.account["account"] for referral in referrals)


def test_the_demo_seeds_a_defenders_check_in_and_incident_once(db, settings):
    settings.HAVEN_DEMO = True

    seed_all()
    seed_all()

    check_in = CheckIn.objects.get(source=RecordSource.DEFENDER)
    incident = StayEvent.objects.get(source=RecordSource.DEFENDER)
    assert check_in.stay_id == incident.stay_id
    assert Referral.objects.get(status=ReferralStatus.LINKED).case_id == check_in.case_id
