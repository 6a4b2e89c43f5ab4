"""
Reads for referral to counsel. Each takes the acting membership first and raises Http404 for
anything the member may not reach, whether it exists or not (AZ-02).
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from haven.cases.models import Case, Consent, ConsentPurpose
from haven.cases.selectors import visible_cases
from haven.counsel.models import CounselReferral, LegalPartner, PackExport, ReferralItem
from haven.counsel.pack import PROVIDERS
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may

PARTNER_KEYS = "data_key__organisation_key"
REFERRAL_KEYS = ("case__data_key__organisation_key", "partner__data_key__organisation_key")


def _partners(membership: Membership | None) -> QuerySet[LegalPartner]:
    if membership is None:
        return LegalPartner.objects.none()
    return LegalPartner.objects.filter(organisation_id=membership.organisation_id).select_related(
        PARTNER_KEYS
    )


def partner_list(*, membership: Membership | None) -> list[LegalPartner]:
    """The whole directory, by host state: for the coordinators who keep it."""
    if not may(membership, Permission.COUNSEL_DIRECTORY_MANAGE):
        return []
    return list(_partners(membership).order_by("host_state", "created_at"))


def partner_get(*, membership: Membership | None, partner_id: uuid.UUID) -> LegalPartner:
    """One partner of the member's organisation, for a coordinator; 404 otherwise."""
    if not may(membership, Permission.COUNSEL_DIRECTORY_MANAGE):
        raise Http404
    try:
        return _partners(membership).get(pk=partner_id)
    except (LegalPartner.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def partners_to_refer_to(*, membership: Membership | None) -> list[LegalPartner]:
    """Active partners whose key has not expired, for the referral form."""
    if not may(membership, Permission.COUNSEL_REFER):
        return []
    return list(
        _partners(membership)
        .filter(active=True, key_expires_on__gte=timezone.localdate())
        .order_by("host_state", "created_at")
    )


def referral_partner(*, membership: Membership, partner_id: uuid.UUID | str) -> LegalPartner:
    """The active partner chosen on the referral form (expired keys are refused by the service)."""
    try:
        return _partners(membership).get(pk=partner_id, active=True)
    except (LegalPartner.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def referral_consents(*, membership: Membership | None, case: Case) -> list[Consent]:
    """
    The case's live consents to a referral to counsel (decrypted: the purpose is encrypted), for a
    member who may refer that case; 404 for anyone else (AZ-02, AZ-03).
    """
    if not may(membership, Permission.COUNSEL_REFER, case):
        raise Http404
    consents = []
    for consent in Consent.objects.filter(case=case, withdrawn_at__isnull=True):
        consent.case = case
        if (consent.details or {}).get("purpose") == ConsentPurpose.ASYLUM_REFERRAL:
            consents.append(consent)
    return consents


def _referrals(membership: Membership | None) -> QuerySet[CounselReferral]:
    if not may(membership, Permission.COUNSEL_REFER):
        return CounselReferral.objects.none()
    return CounselReferral.objects.filter(
        case__in=visible_cases(membership=membership).values("pk")
    ).select_related(*REFERRAL_KEYS, "consent")


def referrals_of_case(*, membership: Membership | None, case: Case) -> list[CounselReferral]:
    """The referrals of a case fetched with ``case_get``, newest first."""
    return list(_referrals(membership).filter(case=case).order_by("-recorded_at"))


def referral_get(*, membership: Membership | None, referral_id: uuid.UUID) -> CounselReferral:
    """One referral of a case the member sees, or 404."""
    try:
        return _referrals(membership).get(pk=referral_id)
    except (CounselReferral.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def item_get(*, membership: Membership | None, item_id: uuid.UUID) -> ReferralItem:
    """One pack item of a referral the member may reach, or 404."""
    referrals = _referrals(membership)
    try:
        item = ReferralItem.objects.select_related("referral").get(
            pk=item_id, referral__in=referrals.values("pk")
        )
    except (ReferralItem.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    item.referral = referrals.get(pk=item.referral_id)
    return item


@dataclass(frozen=True)
class ReferralPage:
    """
    What the referral page lists beside the referral: its pack items, each with the label it is
    shown under (worked out while the key ring is open), and the packs exported so far.
    """

    labelled_items: list[tuple[ReferralItem, str]]
    exports: list[PackExport]


def referral_page(*, membership: Membership, referral: CounselReferral) -> ReferralPage:
    """
    The referral's items labelled (inside a key-ring scope) and its exports. An item is named by
    the record it offers, or by its kind once that record is gone from the case's choices.
    """
    case = referral.case
    offered = {
        (choice.kind, choice.object_id): choice.label
        for provider in PROVIDERS.values()
        for choice in provider.choices(case)
    }
    labelled = []
    for item in referral.items.order_by("position"):
        provider = PROVIDERS.get(item.kind)
        kind_label = str(provider.label) if provider else item.kind
        labelled.append((item, offered.get((item.kind, item.object_id)) or kind_label))
    exports = list(
        referral.exports.select_related("exported_by")
        .prefetch_related("items")
        .order_by("-exported_at")
    )
    return ReferralPage(labelled, exports)
