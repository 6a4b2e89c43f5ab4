"""
Reads of the portal. Staff selectors take the acting membership first and raise Http404 for
anything the member may not see, exactly as for something that does not exist (AZ-02).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.cases.models import Case, CaseDefender, Defender
from haven.cases.reading import case_answer, register_case_question
from haven.cases.selectors import visible_cases
from haven.cases.services import CaseError, defender_search
from haven.organisations.models import Membership, Organisation
from haven.organisations.policy import Permission, may
from haven.portal.models import ContactChannel, PortalMessage, Referral, ReferralStatus
from haven.vault.errors import SearchRateLimitedError

REFERRALS_PER_PAGE = 50
# Which Defender blind indexes a referral's contact handle is checked against, per channel.
HANDLE_INDEXES = {
    ContactChannel.PHONE: "phone",
    ContactChannel.SIGNAL: "phone",
    ContactChannel.WHATSAPP: "phone",
    ContactChannel.EMAIL: "email",
}


@dataclass(frozen=True)
class QueueSummary:
    """How many referrals wait and since when: what coordinators watch."""

    waiting: int
    oldest_submitted_at: datetime.datetime | None

    @property
    def oldest_age(self) -> datetime.timedelta | None:
        if self.oldest_submitted_at is None:
            return None
        return timezone.now() - self.oldest_submitted_at


def portal_organisations() -> QuerySet[Organisation]:
    """The organisations a defender can choose between on the portal: the active ones."""
    return Organisation.objects.filter(is_active=True).order_by("name")


def _require_triage(membership: Membership | None) -> Membership:
    if membership is None or not may(membership, Permission.PORTAL_TRIAGE):
        raise Http404
    return membership


def intake_queue(*, membership: Membership | None, page: int | str | None = 1) -> Page:  # type: ignore[type-arg]
    """
    One page of the organisation's waiting referrals, most urgent and oldest first.

    Reads plain columns only (reference, urgency, language, time), so the page decrypts nothing
    and costs the same few queries at 10 or 10,000 waiting referrals.
    """
    membership = _require_triage(membership)
    waiting = (
        Referral.objects.filter(
            organisation_id=membership.organisation_id, status=ReferralStatus.PENDING
        )
        .order_by("urgency_rank", "submitted_at")
        .only("id", "reference", "urgency", "language", "submitted_at")
    )
    return Paginator(waiting, REFERRALS_PER_PAGE).get_page(page)


def queue_summary(*, membership: Membership | None) -> QueueSummary:
    """Count and age of the organisation's waiting referrals, in one query."""
    membership = _require_triage(membership)
    row = Referral.objects.filter(
        organisation_id=membership.organisation_id, status=ReferralStatus.PENDING
    ).aggregate(waiting=Count("id"), oldest=Min("submitted_at"))
    return QueueSummary(row["waiting"], row["oldest"])


def referral_get(*, membership: Membership | None, referral_id: uuid.UUID) -> Referral:
    """Return one referral of the member's organisation (keys preloaded), or Http404."""
    membership = _require_triage(membership)
    referral = (
        Referral.objects.select_related("data_key__organisation_key")
        .filter(pk=referral_id, organisation_id=membership.organisation_id)
        .first()
    )
    if referral is None or not may(membership, Permission.PORTAL_TRIAGE, referral):
        raise Http404
    return referral


def duplicate_cases(*, membership: Membership, referral: Referral) -> list[Case] | None:
    """
    Cases the member can see whose defender matches the referral's name or contact handle.

    The lookup goes through the defenders' blind indexes (``defender_search``, which audits and
    rate-limits itself), so no plaintext is compared in SQL. Only cases the member may see come
    back; break-glass stays a deliberate act, not a side effect of triage. None when the member
    has used up their hourly blind searches: the page then says the check could not run.
    """
    account = referral.account or {}
    searches: list[tuple[str, str]] = []
    if account.get("name"):
        searches.append(("legal_name", account["name"]))
    index = HANDLE_INDEXES.get(account.get("channel", ""))
    if index and account.get("handle"):
        searches.append((index, account["handle"]))
    defenders: set[uuid.UUID] = set()
    for field, value in searches:
        try:
            found: list[Defender] = defender_search(
                membership=membership,
                organisation=membership.organisation,
                field=field,
                value=value,
            )
        except SearchRateLimitedError:
            return None
        except CaseError:
            # A handle too short to search by (fewer than seven digits for a phone) finds no one.
            continue
        defenders.update(defender.pk for defender in found)
    if not defenders:
        return []
    case_ids = CaseDefender.objects.filter(defender_id__in=defenders).values("case_id")
    return list(
        visible_cases(membership=membership).filter(pk__in=case_ids, erased_at__isnull=True)
    )


def case_for_link(*, membership: Membership, code: str) -> Case:
    """The case with ``code`` that the member can see, or Http404."""
    case = visible_cases(membership=membership).filter(code=code.strip().upper()).first()
    if case is None:
        raise Http404
    return case


def case_messages(*, membership: Membership | None, case: Case) -> list[PortalMessage]:
    """The portal messages of a case the member may see, oldest first (Http404 otherwise)."""
    if membership is None or not may(membership, Permission.CASE_VIEW, case):
        raise Http404
    return list(
        PortalMessage.objects.filter(case=case)
        .select_related("case__data_key__organisation_key")
        .order_by("sent_at")
    )


#: Whether a portal referral led to the case, asked in the case page's case query.
PORTAL_REFERRAL = "portal_referral"


def _portal_referral() -> Exists:
    return Exists(Referral.objects.filter(case=OuterRef("pk")))


def case_has_portal_referral(case: Case) -> bool:
    return bool(case_answer(case, PORTAL_REFERRAL))


def install() -> None:
    """Have the case page's case query ask whether a referral led to the case (app start-up)."""
    register_case_question(PORTAL_REFERRAL, _portal_referral)


def messages_for_defender(referral: Referral) -> list[PortalMessage]:
    """The messages of the case the defender's referral became, oldest first."""
    if referral.case_id is None or referral.case is None or referral.case.erased_at is not None:
        return []
    return list(
        PortalMessage.objects.filter(case_id=referral.case_id, referral=referral)
        .select_related("case__data_key__organisation_key")
        .order_by("sent_at")
    )
