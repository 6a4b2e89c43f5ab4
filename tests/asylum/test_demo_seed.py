"""The demo has a fictional case with a consent conversation, a legal opinion and a claim."""

from haven.asylum.models import ConsentConversation, LegalOpinion, ProcedureStep, RegimeTally
from haven.demo import seed_all


def test_the_demo_seeds_the_asylum_bridge_once(db, settings):
    settings.HAVEN_DEMO = True
    seed_all()
    counts = (ConsentConversation.objects.count(), LegalOpinion.objects.count())
    seed_all()

    assert (ConsentConversation.objects.count(), LegalOpinion.objects.count()) == counts
    harbour = ConsentConversation.objects.filter(organisation__slug="harbour-light")
    assert harbour.count() == 1
    case = harbour.get().case
    opinion = LegalOpinion.objects.get(case=case)
    assert opinion.diverges
    assert ProcedureStep.objects.filter(case=case, kind="lodged").exists()
    assert case.next_due_on is not None
    assert RegimeTally.objects.filter(asylum_side="claim_pending", cases__gt=0).exists()
