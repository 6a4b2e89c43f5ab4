"""
The informed-consent conversation: recorded topic by topic with who explained what, and withdrawn.
A defender who does not want to seek asylum takes the case out of the asylum bridge.
"""

import datetime
import uuid
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.asylum.errors import AsylumError
from haven.asylum.models import (
    REQUIRED_TOPICS,
    ConsentConversation,
    ConsentDecision,
    ExplainedItem,
    ExplainedTopic,
)
from haven.asylum.services.common import audit_record, case_for
from haven.audit.events import EventType
from haven.cases.models import Case, CaseStatus
from haven.cases.services import case_follow_records
from haven.cases.services.guards import on_case
from haven.cases.services.receipts import form_receipt_claim
from haven.organisations.models import Membership
from haven.organisations.policy import Permission
from haven.programmes.catalogue import asylum_policy_text
from haven.relocations.case_records import current_stay
from haven.relocations.models import ReturnReview
from haven.vault.keyring import keyring_scope

NO_PRESSURE_NOT_ATTESTED = _(
    "Confirm that no pressure was applied either way: the conversation cannot be recorded "
    "without it."
)
EXPLAINER_NOT_ON_TEAM = _("The person who explained must be an active member of this organisation.")


@transaction.atomic
def consent_conversation_record(
    *,
    membership: Membership,
    case: Case,
    held_on: datetime.date,
    explained: Mapping[str, str],
    explained_by: Membership,
    language: str,
    interpreter: str,
    decision: str,
    wishes: str,
    no_pressure_attested: bool,
    submission_token: uuid.UUID | None = None,
) -> ConsentConversation:
    """
    Record one informed-consent conversation: each topic explained (``explained`` maps a topic to
    how it was put, possibly empty) becomes its own record, with who explained it and when; the
    language and any interpreter, the programme's asylum policy as worded then, the defender's
    decision and wishes, and the attestation that no pressure was applied either way.

    Permission: ASYLUM_RECORD on the case. Side effect: one ``asylum.consent_recorded`` event; a
    defender who does not want to seek asylum takes the case out of the asylum bridge (back to the
    return review while a stay is under way, else to pathway planning). Raises AsylumError.
    """
    case = case_for(membership, case, Permission.ASYLUM_RECORD)
    if not no_pressure_attested:
        raise AsylumError(NO_PRESSURE_NOT_ATTESTED)
    _refuse_unfit_conversation(explained, decision, wishes, language, held_on)
    if explained_by.organisation_id != case.organisation_id or not explained_by.is_active:
        raise AsylumError(EXPLAINER_NOT_ON_TEAM)
    form_receipt_claim(token=submission_token, case=case)
    stay = current_stay(case)
    with keyring_scope():
        conversation = ConsentConversation(
            **on_case(case, membership),
            stay=stay,
            held_on=held_on,
            language=language.strip(),
            interpreter=interpreter.strip() or None,
            policy_shown=asylum_policy_text(stay.programme) if stay is not None else None,
            decision=decision,
            wishes=wishes.strip(),
            no_pressure_attested=True,
            defender_declines=decision == ConsentDecision.NOT_SEEKING,
        )
        conversation.save()
        ExplainedItem.objects.bulk_create(
            ExplainedItem(
                **on_case(case, membership),
                conversation=conversation,
                topic=topic,
                explained_by=explained_by.user,
                explained_on=held_on,
                note=(explained[topic] or "").strip() or None,
            )
            for topic in ExplainedTopic.values
            if topic in explained
        )
    audit_record(EventType.ASYLUM_CONSENT_RECORDED, membership, case, conversation)
    if decision == ConsentDecision.NOT_SEEKING:
        _follow_decline(membership, case)
    return conversation


UNKNOWN_TOPIC = _("Choose what was explained from the list.")
TOPICS_MISSING = _(
    "A conversation must explain that the right to seek asylum cannot be waived, and how to "
    "reach independent legal advice."
)
UNKNOWN_DECISION = _("Choose the defender's decision from the list.")
WISHES_MISSING = _("Write down the defender's wishes in their own words.")
LANGUAGE_MISSING = _("Say in which language the conversation was held.")
HELD_IN_FUTURE = _("A conversation cannot be recorded for a day that has not come.")


def _refuse_unfit_conversation(
    explained: Mapping[str, str],
    decision: str,
    wishes: str,
    language: str,
    held_on: datetime.date,
) -> None:
    """
    Refuse a conversation record that leaves out what it must say: known topics including the
    required ones, the defender's decision and wishes, its language, and a day that has come.
    """
    if not set(explained) <= set(ExplainedTopic.values):
        raise AsylumError(UNKNOWN_TOPIC)
    if not set(explained) >= REQUIRED_TOPICS:
        raise AsylumError(TOPICS_MISSING)
    if decision not in ConsentDecision.values:
        raise AsylumError(UNKNOWN_DECISION)
    if not wishes.strip():
        raise AsylumError(WISHES_MISSING)
    if not language.strip():
        raise AsylumError(LANGUAGE_MISSING)
    if held_on > timezone.localdate():
        raise AsylumError(HELD_IN_FUTURE)


def _follow_decline(membership: Membership, case: Case) -> None:
    """Out of the asylum bridge: to the return review while a stay is under way, else planning."""
    stay = current_stay(case)
    under_way = (
        stay is not None
        and stay.ended_on is None
        and ReturnReview.objects.filter(stay=stay).exists()
    )
    case_follow_records(
        membership=membership,
        case=case,
        source=CaseStatus.ASYLUM_BRIDGE,
        target=CaseStatus.RETURN_REVIEW if under_way else CaseStatus.PATHWAY_PLANNING,
    )


ALREADY_WITHDRAWN = _("This conversation was already withdrawn.")


@transaction.atomic
def consent_conversation_withdraw(
    *, membership: Membership, conversation: ConsentConversation
) -> ConsentConversation:
    """
    Withdraw a conversation (the defender withdrew what they said, or it was recorded on the
    wrong case): it stays as history, marked withdrawn, and no longer counts for anything.
    Permission: ASYLUM_RECORD on its case. Side effect: ``asylum.consent_withdrawn``.
    """
    case = case_for(membership, conversation.case, Permission.ASYLUM_RECORD)
    locked = ConsentConversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.withdrawn_at is not None:
        raise AsylumError(ALREADY_WITHDRAWN)
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = membership.user
    locked.defender_declines = False
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "defender_declines"])
    audit_record(EventType.ASYLUM_CONSENT_WITHDRAWN, membership, case, locked)
    return locked
