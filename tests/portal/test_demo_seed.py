"""The demo gives the staff intake queue something to triage."""

from haven.demo import seed_all
from haven.portal.models import Referral, ReferralStatus


def test_the_demo_seeds_waiting_referrals_once(db, settings):
    settings.HAVEN_DEMO = True

    seed_all()
    seed_all()

    referrals = list(Referral.objects.select_related("data_key__organisation_key"))
    assert len(referrals) == 2
    assert {referral.status for referral in referrals} == {ReferralStatus.PENDING}
    assert all(referral.account["account"] for referral in referrals)
