"""
Reads of the asylum bridge. Each takes the acting member first and raises Http404 for a case or
record the member may not reach (AZ-02): host partners, analysts, auditors and other
organisations get the same answer as for a record that does not exist.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from haven.asylum.access import may_reach_case_records
from haven.asylum.models import (
    ConsentConversation,
    ExplainedItem,
    ExplainedTopic,
    LegalOpinion,
    ProcedureStep,
    StayEffect,
)
from haven.asylum.regimes import regime_of
from haven.cases.models import Case
from haven.cases.selectors import case_get
from haven.domain.asylum_procedure import AsylumSide, RegimeOutcome, StaySide, StepKind
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.vault.keyring import keyring_scope


def asylum_case_get(*, membership: Membership | None, case_id: uuid.UUID | str) -> Case:
    """The case, if the member may see it and its asylum records; Http404 otherwise."""
    case = case_get(membership=membership, case_id=case_id)
    if not may_reach_case_records(membership, Permission.ASYLUM_VIEW, case):
        raise Http404
    return case


def conversation_get(
    *, membership: Membership | None, conversation_id: uuid.UUID
) -> ConsentConversation:
    """One conversation of a case the member may reach; Http404 otherwise."""
    conversation = (
        ConsentConversation.objects.select_related("case").filter(pk=conversation_id).first()
    )
    if conversation is None or not may_reach_case_records(
        membership, Permission.ASYLUM_VIEW, conversation.case
    ):
        raise Http404
    return conversation


@dataclass
class AsylumRecords:
    """Everything the asylum page shows of one case (read inside an open key ring)."""

    conversations: list[ConsentConversation]
    items: dict[Any, list[ExplainedItem]]
    opinions: list[LegalOpinion]
    steps: list[ProcedureStep]
    effects: list[StayEffect]
    stay_side: StaySide
    asylum_side: AsylumSide
    outcome: RegimeOutcome | None
    unexplained: dict[Any, list[str]] = field(default_factory=dict)

    @property
    def current_conversation(self) -> ConsentConversation | None:
        live = [c for c in self.conversations if c.withdrawn_at is None]
        return live[-1] if live else None

    @property
    def latest_opinion(self) -> LegalOpinion | None:
        return self.opinions[-1] if self.opinions else None


def asylum_records(*, membership: Membership | None, case: Case) -> AsylumRecords:
    """The case's asylum records (``case`` comes from ``asylum_case_get``); needs an open key ring."""
    if not may_reach_case_records(membership, Permission.ASYLUM_VIEW, case):
        raise Http404
    conversations = list(
        ConsentConversation.objects.filter(case=case)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("held_on", "recorded_at")
    )
    items: dict[Any, list[ExplainedItem]] = {c.pk: [] for c in conversations}
    for item in ExplainedItem.objects.filter(case=case).select_related("explained_by"):
        items.setdefault(item.conversation_id, []).append(item)
    order = list(ExplainedTopic.values)
    for rows in items.values():
        rows.sort(key=lambda row: order.index(row.topic) if row.topic in order else len(order))
    unexplained = {
        key: [
            str(label)
            for value, label in ExplainedTopic.choices
            if value not in {row.topic for row in rows}
        ]
        for key, rows in items.items()
    }
    stay_side, asylum_side, outcome = regime_of(case)
    return AsylumRecords(
        conversations=conversations,
        items=items,
        opinions=list(
            LegalOpinion.objects.filter(case=case)
            .select_related("recorded_by", "assessment")
            .order_by("recorded_at")
        ),
        steps=list(ProcedureStep.objects.filter(case=case).order_by("happened_on", "recorded_at")),
        effects=list(StayEffect.objects.filter(case=case).order_by("effective_on", "recorded_at")),
        stay_side=stay_side,
        asylum_side=asylum_side,
        outcome=outcome,
        unexplained=unexplained,
    )


def final_outcomes(*, membership: Membership | None, cases: list[Case]) -> dict[Any, str]:
    """
    The asylum procedure's final outcome (refugee status, refused, ...) per case, translated, for
    My cases: ``{case_id: label}``, only for cases with a final outcome recorded, and nothing to
    a member whose role may not see asylum records. ``cases`` must be cases the member may see (My
    cases: their own assigned cases, AZ-03), as for ``deadlines.team_warnings``. One query whatever
    the number of cases; the outcome is decrypted under each case's key.
    """
    if not may(membership, Permission.ASYLUM_VIEW):
        return {}
    visible = [case.pk for case in cases]
    found: dict[Any, str] = {}
    steps = (
        ProcedureStep.objects.filter(case_id__in=visible, kind=StepKind.FINAL_OUTCOME)
        .select_related("case__data_key__organisation_key")
        .order_by("happened_on", "recorded_at")
    )
    with keyring_scope():
        for step in steps:
            label = step.outcome_label()
            if label:
                found[step.case_id] = label  # the latest final outcome recorded wins
    return found
