"""
The asylum-bridge demo seed: in each demo organisation, the fictional defender whose return
review decided for asylum gets an informed-consent conversation, a legal opinion that disagrees
with the engine on one element, a claim lodged with an interview to come, and the claim's first
effect on the stay, all through the real services. Idempotent: a case that already has a
conversation is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from haven.asylum import services
from haven.asylum.models import ConsentConversation, ConsentDecision, ElementView, ExplainedTopic
from haven.cases.models import Assessment, Case, CaseStatus
from haven.demo import DemoLogin, require_demo_settings
from haven.organisations.models import Membership, Organisation, Role
from haven.vault.keyring import keyring_scope


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _seed(organisation: Organisation) -> None:
    case = (
        Case.objects.filter(
            organisation=organisation, status=CaseStatus.ASYLUM_BRIDGE, stays__isnull=False
        )
        .order_by("created_at")
        .first()
    )
    legal = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation=organisation, role=Role.LEGAL_ADVISER, is_active=True)
        .first()
    )
    if case is None or legal is None or ConsentConversation.objects.filter(case=case).exists():
        return
    services.consent_conversation_record(
        membership=legal,
        case=case,
        held_on=_ago(3),
        explained={
            ExplainedTopic.PROGRAMME_POLICY: "Read the programme's policy together; asked "
            "whether the stipend stops on a claim.",
            ExplainedTopic.STIPEND: "The programme pays to the planned end, then stops.",
            ExplainedTopic.HOUSING: "State reception may follow once the stay ends.",
            ExplainedTopic.VISA: "The visa was issued here, so this state examines the claim.",
            ExplainedTopic.RIGHT_NOT_WAIVABLE: "Nothing signed for the programme removes it.",
            ExplainedTopic.INDEPENDENT_ADVICE: "Offered a fictional legal-aid clinic, paid by us.",
        },
        explained_by=legal,
        language="Spanish",
        interpreter="",
        decision=ConsentDecision.SEEK_ASYLUM,
        wishes="To stay safe here, keep my work going from abroad, and bring my children later.",
        no_pressure_attested=True,
    )
    assessment = Assessment.objects.filter(case=case).order_by("-recorded_at").first()
    if assessment is not None:
        with keyring_scope():
            engine = services.engine_elements(assessment)
            outcome = str(assessment.output["protection"]["outcome"])
        chosen = "internal_relocation" if "internal_relocation" in engine else next(iter(engine))
        views = {name: services.ElementOpinion(view=ElementView.AGREE) for name in engine}
        views[chosen] = services.ElementOpinion(
            view=ElementView.DISAGREE,
            finding="met" if engine[chosen] != "met" else "not_met",
            reasons="The same armed group operates in every region the engine treats as safe; "
            "the fictional country report places its checkpoints on every road out.",
            sources="Fictional country report 2026, section 3",
        )
        services.legal_opinion_record(
            membership=legal,
            case=case,
            assessment=assessment,
            elements=views,
            overall=outcome,
            overall_reasons="Same overall outcome; internal relocation is not reasonable here.",
        )
    stay = case.stays.order_by("-created_at").first()
    services.procedure_step_record(
        membership=legal,
        case=case,
        step=services.StepInput(
            kind="lodged",
            happened_on=_ago(1),
            due_on=timezone.localdate() + datetime.timedelta(days=20),
            state=stay.host_country if stay is not None and stay.host_country else "NL",
            authority="Registration centre (fictional)",
            reference="DEMO-ASY-0001",
            dependants=0,
            note="Interview date given at registration.",
        ),
    )
    services.stay_effect_record(
        membership=legal,
        case=case,
        aspect="stipend",
        decision="stipend_continues",
        effective_on=_ago(1),
        note="Paid to the planned end of the stay, as the programme's policy says.",
    )


@transaction.atomic
def seed_asylum() -> list[DemoLogin]:
    """Seed the asylum-bridge records of every demo organisation (once); no new logins."""
    require_demo_settings()
    for organisation in Organisation.objects.order_by("slug"):
        _seed(organisation)
    return []
