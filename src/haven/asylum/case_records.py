"""
What the asylum bridge tells the rest of Haven, registered at start-up so that ``cases`` and
``relocations`` never import this app:

- the lifecycle requirements its records meet (the defender's informed decision not to seek
  asylum, from the latest conversation not withdrawn; a claim lodged), derived and never a box
  to tick;
- the case page's notices panel (``haven.cases.panels``): a link to the asylum records, and a warning when the legal adviser's
  latest opinion diverges from the engine, for members who may see asylum records only;
- both regimes' counts, refreshed whenever a stay is saved (its outcome, the return) and when a
  return review hands a stay over to the bridge.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.asylum.access import may_reach_case_records
from haven.asylum.models import (
    ConsentConversation,
    LegalOpinion,
    ProcedureStep,
)
from haven.asylum.regimes import regime_refresh
from haven.cases.models import Case
from haven.cases.panels import CaseNotice, Panel, notices_panel, register_panel
from haven.cases.reading import case_answer, register_case_question
from haven.cases.record_sources import register_requirement_source
from haven.cases.vocabulary import term
from haven.domain.asylum_procedure import StepKind
from haven.domain.lifecycle import Requirement
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.relocations.models import ReturnReview, Stay
from haven.relocations.returns import register_asylum_handover
from haven.vault.keyring import keyring_scope

#: The questions the bridge asks about every case shown, answered in the case page's case query.
CLAIM_LODGED = "asylum_claim_lodged"
DEFENDER_DECLINES = "asylum_defender_declines"
OPINION_DIVERGES = "asylum_opinion_diverges"


def _claim_lodged() -> Exists:
    return Exists(ProcedureStep.objects.filter(case=OuterRef("pk"), kind=StepKind.LODGED))


def _defender_declines() -> Subquery:
    """Whether the latest conversation not withdrawn records the defender's decision not to."""
    latest = ConsentConversation.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True)
    return Subquery(latest.order_by("-held_on", "-recorded_at").values("defender_declines")[:1])


def _opinion_diverges() -> Subquery:
    """Whether the latest legal opinion diverges from the engine (a plain column: no decryption)."""
    latest = LegalOpinion.objects.filter(case=OuterRef("pk")).order_by("-recorded_at")
    return Subquery(latest.values("diverges")[:1])


def requirements_met(case: Case) -> set[str]:
    met = set()
    if case_answer(case, CLAIM_LODGED):
        met.add(Requirement.ASYLUM_CLAIM_LODGED.value)
    if case_answer(case, DEFENDER_DECLINES):
        met.add(Requirement.DEFENDER_DECLINES_ASYLUM.value)
    return met


def notices(membership: Membership, case: Case, subject: Any = None) -> Panel | None:
    """The asylum bridge's lines on the case page, for the case team only."""
    if not may_reach_case_records(membership, Permission.ASYLUM_VIEW, case):
        return None
    url = reverse("asylum:case", kwargs={"case_id": case.pk})
    found = [
        CaseNotice(
            text=_("Informed consent, the legal opinion and the asylum procedure are kept apart."),
            url=url,
            link_text=_("Open the asylum bridge records"),
        )
    ]
    # The opinion itself is read only when the latest diverges, the rare case with a warning.
    opinion = (
        LegalOpinion.objects.filter(case=case).order_by("-recorded_at").first()
        if case_answer(case, OPINION_DIVERGES)
        else None
    )
    if opinion is not None and opinion.diverges:
        with keyring_scope():
            details = tuple(term(name) for name in opinion.disagreements())
            differs_overall = opinion.overall != opinion.engine_outcome
            overall = opinion.overall_label()
        text = _("The legal adviser's opinion differs from the engine's.")
        if differs_overall:
            text += " " + _("Overall opinion: %(overall)s.") % {"overall": overall}
        found.append(
            CaseNotice(
                text=text,
                url=url + "#legal-opinion",
                link_text=_("Read the legal opinion"),
                warning=True,
                details=details,
            )
        )
    return notices_panel(found)


def _stay_saved(sender: Any, instance: Stay, **kwargs: Any) -> None:
    regime_refresh(Case.objects.get(pk=instance.case_id))


def _handed_over(membership: Membership, stay: Stay, review: ReturnReview) -> None:
    regime_refresh(Case.objects.get(pk=stay.case_id))


def install() -> None:
    register_case_question(CLAIM_LODGED, _claim_lodged)
    register_case_question(DEFENDER_DECLINES, _defender_declines)
    register_case_question(OPINION_DIVERGES, _opinion_diverges)
    register_requirement_source(
        requirements_met,
        names={
            Requirement.DEFENDER_DECLINES_ASYLUM.value,
            Requirement.ASYLUM_CLAIM_LODGED.value,
        },
    )
    register_panel("case", notices)
    register_asylum_handover(_handed_over)
    post_save.connect(_stay_saved, sender=Stay, dispatch_uid="asylum_regime_on_stay_saved")
