"""The demo has a legal-aid partner and a referral to counsel, seeded once through the services."""

from haven.counsel.models import CounselReferral, LegalPartner
from haven.demo import seed_all


def test_the_demo_has_a_partner_and_a_referral_and_seeds_once(db, settings):
    settings.HAVEN_DEMO = True
    seed_all()
    partners = sorted(LegalPartner.objects.values_list("pk", flat=True))
    referrals = sorted(CounselReferral.objects.values_list("pk", flat=True))
    seed_all()

    assert sorted(LegalPartner.objects.values_list("pk", flat=True)) == partners
    assert sorted(CounselReferral.objects.values_list("pk", flat=True)) == referrals
    assert LegalPartner.objects.filter(organisation__slug="harbour-light").exists()
    referral = CounselReferral.objects.filter(organisation__slug="harbour-light").get()
    assert [item.kind for item in referral.items.all()] == ["case_summary"]
