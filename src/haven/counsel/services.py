"""
Writes for referral to counsel: the legal-aid directory, referrals, item consent and the export.

Every service checks its permission itself, runs in one transaction and files one audit event
holding ids and enumerated values only: never counsel's name, a recipient key, a passphrase or
what an item says. A refusal raises ``CounselError`` before anything is written, so nothing is
half-saved and nothing is sent.
"""

import datetime
import io
import json
import uuid
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from haven.accounts.acting import acting_user, record_action
from haven.audit.events import EventType
from haven.cases.models import Case, Consent, ConsentPurpose
from haven.cases.services.guards import check_live, on_case, touch
from haven.cases.services.receipts import form_receipt_claim
from haven.counsel import pack
from haven.counsel.models import (
    CounselReferral,
    ExportMode,
    LegalPartner,
    PackExport,
    ReferralItem,
)
from haven.organisations.errors import ApplicationError
from haven.organisations.models import Membership
from haven.organisations.policy import Permission, may
from haven.vault import archives
from haven.vault.keyring import keyring_scope

PACK_FORMAT = "haven-referral-pack/1"
MINIMUM_PASSPHRASE = 20


class CounselError(ApplicationError):
    """A referral or a pack was refused; nothing was saved or sent."""


NOT_ALLOWED = _("You may not do that.")


def _require(membership: Membership, permission: Permission, obj: object = None) -> None:
    if not may(membership, permission, obj):
        raise CounselError(NOT_ALLOWED)


INVALID_KEY = _(
    "That is not a valid age recipient key. It starts with age1 and is about 62 characters long: "
    "ask counsel to send the output of age-keygen -y again."
)


def check_recipient(value: str) -> str:
    """Return the age X25519 recipient ``value`` stripped, or raise CounselError(INVALID_KEY)."""
    cleaned = (value or "").strip()
    if not cleaned.startswith("age1"):
        raise CounselError(INVALID_KEY)
    try:
        archives.parse_recipient(cleaned)
    except archives.ArchiveError:
        raise CounselError(INVALID_KEY) from None
    return cleaned


UNKNOWN_HOST_STATE = _("Choose the host state from the list.")
KEY_EXPIRY_PAST = _("The key's expiry date is already past: ask counsel for a current key.")
PARTNER_UNAVAILABLE = _("That legal-aid partner is not in your organisation's directory.")


@transaction.atomic
def partner_save(
    *,
    membership: Membership,
    partner: LegalPartner | None = None,
    name: str,
    contact: str,
    host_state: str,
    age_recipient: str,
    key_expires_on: datetime.date,
    active: bool = True,
) -> LegalPartner:
    """
    Add a legal-aid partner to the organisation's directory, or update one (a new key, say).

    Permission: ``COUNSEL_DIRECTORY_MANAGE`` (coordinators). Side effect: one
    ``counsel.partner_saved`` event with the partner's id and host state. Raises CounselError for
    an unknown host state, an invalid key or a past expiry date.
    """
    _require(membership, Permission.COUNSEL_DIRECTORY_MANAGE, partner)
    host_state = (host_state or "").upper()
    if host_state not in dict(countries):
        raise CounselError(UNKNOWN_HOST_STATE)
    recipient = check_recipient(age_recipient)
    if key_expires_on < timezone.localdate():
        raise CounselError(KEY_EXPIRY_PAST)
    with keyring_scope() as ring:
        created = partner is None
        if partner is None:
            partner = LegalPartner(organisation_id=membership.organisation_id)
        elif partner.organisation_id != membership.organisation_id:
            raise CounselError(PARTNER_UNAVAILABLE)
        partner.name = name.strip()
        partner.contact = contact.strip()
        partner.host_state = host_state
        partner.age_recipient = recipient
        partner.key_expires_on = key_expires_on
        partner.active = active
        partner.updated_at = timezone.now()
        if created:
            partner.data_key = ring.create_data_key(partner.vault_key_ref())
        partner.save()
    record_action(
        EventType.COUNSEL_PARTNER_SAVED,
        membership,
        partner,
        {"host_state": host_state, "created": created, "active": active},
    )
    return partner


def live_referral_consent(case: Case, consent_id: uuid.UUID | None) -> Consent | None:
    """The case's consent ``consent_id`` if it is for a referral to counsel and not withdrawn."""
    if consent_id is None:
        return None
    consent = Consent.objects.filter(case=case, pk=consent_id, withdrawn_at__isnull=True).first()
    if consent is None:
        return None
    consent.case = case
    details = consent.details or {}
    if details.get("purpose") != ConsentPurpose.ASYLUM_REFERRAL:
        return None
    return consent


DATE_IN_FUTURE = _("The date cannot be in the future.")
CONSENT_AFTER_REFERRAL = _("The defender's consent cannot be dated after the referral.")
PARTNER_KEY_EXPIRED = _(
    "Counsel's key expired on %(date)s. Ask counsel for a new key and update the directory, or "
    "export to a passphrase instead. Nothing was sent."
)
NO_CONSENT = _(
    "The defender has not consented to a referral to counsel. Record their consent (purpose: "
    "referral to legal counsel for asylum) on the case first; nothing was sent."
)
NOTHING_CHOSEN = _(
    "Choose at least one item the defender agreed to share. Nothing was saved or sent."
)
UNKNOWN_ITEM = _("One of the chosen items no longer exists on this case. Choose again.")


@transaction.atomic
def referral_create(
    *,
    membership: Membership,
    case: Case,
    partner: LegalPartner,
    consent_id: uuid.UUID | None,
    referred_on: datetime.date,
    items_agreed_on: datetime.date,
    item_keys: list[str],
    note: str = "",
    submission_token: uuid.UUID | None = None,
) -> CounselReferral:
    """
    Refer ``case`` to ``partner``, with the pack items the defender agreed to share, one by one.

    ``case`` comes from ``case_get`` (the member sees it). Permission: ``COUNSEL_REFER`` on the
    case. Side effect: one ``counsel.referral_created`` event with the referral's, partner's and
    consent's ids and the items' kinds and ids. Raises CounselError when the defender's consent
    to a referral is missing or withdrawn, no item is chosen, an item is unknown, the partner is
    not in the directory or its key has expired; nothing is saved then.
    """
    _require(membership, Permission.COUNSEL_REFER, case)
    form_receipt_claim(token=submission_token, case=case)
    check_live(case)
    today = timezone.localdate()
    if referred_on > today or items_agreed_on > today:
        raise CounselError(DATE_IN_FUTURE)
    if items_agreed_on > referred_on:
        raise CounselError(CONSENT_AFTER_REFERRAL)
    if partner.organisation_id != case.organisation_id or not partner.active:
        raise CounselError(PARTNER_UNAVAILABLE)
    if partner.key_expired(today):
        raise CounselError(PARTNER_KEY_EXPIRED, date=partner.key_expires_on.isoformat())
    check_recipient(partner.age_recipient)
    with keyring_scope():
        consent = live_referral_consent(case, consent_id)
        if consent is None:
            raise CounselError(NO_CONSENT)
        if not item_keys:
            raise CounselError(NOTHING_CHOSEN)
        offered = {choice.key: choice for choice in pack.available_choices(case)}
        chosen = []
        for key in dict.fromkeys(item_keys):  # keeps the order, drops repeats
            if key not in offered:
                raise CounselError(UNKNOWN_ITEM)
            chosen.append(offered[key])
        referral = CounselReferral(
            **on_case(case, membership),
            partner=partner,
            consent=consent,
            host_state=partner.host_state,
            referred_on=referred_on,
        )
        referral.note = note.strip()
        referral.save()
        ReferralItem.objects.bulk_create(
            ReferralItem(
                organisation_id=case.organisation_id,
                referral=referral,
                kind=choice.kind,
                object_id=choice.object_id,
                consent_given_on=items_agreed_on,
                consent_recorded_by=acting_user(membership),
                position=position,
            )
            for position, choice in enumerate(chosen)
        )
    touch(case)
    record_action(
        EventType.COUNSEL_REFERRAL_CREATED,
        membership,
        case,
        {
            "referral_id": referral.pk,
            "partner_id": partner.pk,
            "consent_id": consent.pk,
            "host_state": partner.host_state,
            "items": [_item_ref(choice.kind, choice.object_id) for choice in chosen],
        },
    )
    return referral


def _item_ref(kind: str, object_id: uuid.UUID | None) -> dict[str, str | None]:
    return {"kind": kind, "id": str(object_id) if object_id else None}


ITEM_ALREADY_WITHDRAWN = _("Consent for this item was already withdrawn.")


@transaction.atomic
def item_consent_withdraw(*, membership: Membership, item: ReferralItem) -> ReferralItem:
    """
    Record that the defender withdrew consent to share one item; later exports leave it out.

    Permission: ``COUNSEL_REFER`` on the case. Side effect: ``counsel.item_consent_withdrawn``
    with the referral's and item's ids. Raises CounselError if it was already withdrawn.
    """
    case = item.referral.case
    _require(membership, Permission.COUNSEL_REFER, case)
    locked = ReferralItem.objects.select_for_update().get(pk=item.pk)
    if locked.withdrawn_at is not None:
        raise CounselError(ITEM_ALREADY_WITHDRAWN)
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    record_action(
        EventType.COUNSEL_ITEM_CONSENT_WITHDRAWN,
        membership,
        case,
        {"referral_id": item.referral_id, "item_id": item.pk, "kind": item.kind},
    )
    return locked


@dataclass(frozen=True)
class ExportedPack:
    export: PackExport
    data: bytes
    file_name: str


def _build_archive(
    membership: Membership, referral: CounselReferral, items: list[ReferralItem]
) -> bytes:
    """The pack as a ZIP in memory: ``referral.json`` and the chosen files. Never written to disk."""
    case = referral.case
    sections = []
    files: list[tuple[str, bytes]] = []
    for item in items:
        provider = pack.PROVIDERS.get(item.kind)
        content = provider.content(membership, case, item.object_id) if provider else None
        if content is None:
            raise CounselError(UNKNOWN_ITEM)
        sections.append(
            {
                "kind": item.kind,
                "id": str(item.object_id) if item.object_id else None,
                "defender_consented_on": item.consent_given_on.isoformat(),
                "content": content.section,
            }
        )
        files.extend(content.files)
    consent_details = referral.consent.details or {}
    document = {
        "format": PACK_FORMAT,
        "referral": referral.reference,
        "referred_on": referral.referred_on.isoformat(),
        "host_state": referral.host_state,
        "counsel": referral.partner.name,
        "consent_to_referral_given_on": consent_details.get("given_on"),
        "note": referral.note or "",
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "items": sections,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "referral.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
        for path, data in files:
            archive.writestr(path, data)
    return buffer.getvalue()


PASSPHRASE_TOO_SHORT = _(
    "Use a passphrase of at least %(minimum)s characters (five or more random words), and give "
    "it to counsel by another channel than the file."
)
CONSENT_WITHDRAWN = _(
    "The defender withdrew their consent to the referral: the pack cannot be sent."
)
NO_ITEMS_LEFT = _(
    "The defender has withdrawn consent for every item of this pack: there is nothing to send."
)


@transaction.atomic
def pack_export(
    *,
    membership: Membership,
    referral: CounselReferral,
    mode: str,
    passphrase: str = "",
) -> ExportedPack:
    """
    Build the referral pack from the items still consented to, encrypt it with age to counsel's
    recipient key or to a passphrase (scrypt), and return the encrypted bytes for download.

    The plaintext exists only in memory. ``referral`` comes from ``referral_get``. Permission:
    ``COUNSEL_REFER`` on the case. Side effect: a ``PackExport`` row listing the items, and one
    ``counsel.pack_exported`` event with the referral's id, the mode and the items' kinds and
    ids (never the passphrase or the key). Raises CounselError when the consent to the referral
    was withdrawn, no item is left, counsel's key expired or is invalid, or the passphrase is
    too short; nothing is recorded then.
    """
    case = referral.case
    _require(membership, Permission.COUNSEL_REFER, case)
    check_live(case)
    if mode not in ExportMode.values:
        raise CounselError(NOT_ALLOWED)
    recipient = None
    if mode == ExportMode.RECIPIENT:
        partner = referral.partner
        if partner.key_expired():
            raise CounselError(PARTNER_KEY_EXPIRED, date=partner.key_expires_on.isoformat())
        recipient = archives.parse_recipient(check_recipient(partner.age_recipient))
    elif len(passphrase) < MINIMUM_PASSPHRASE:
        raise CounselError(PASSPHRASE_TOO_SHORT, minimum=MINIMUM_PASSPHRASE)
    with keyring_scope():
        if live_referral_consent(case, referral.consent_id) is None:
            raise CounselError(CONSENT_WITHDRAWN)
        items = list(referral.items.filter(withdrawn_at__isnull=True).order_by("position"))
        if not items:
            raise CounselError(NO_ITEMS_LEFT)
        plain = _build_archive(membership, referral, items)
    if recipient is not None:
        data = archives.encrypt(plain, recipients=[recipient])
    else:
        data = archives.encrypt(plain, passphrase=passphrase)
    del plain
    export = PackExport.objects.create(
        organisation_id=case.organisation_id,
        referral=referral,
        mode=mode,
        exported_by=acting_user(membership),
        size=len(data),
    )
    export.items.set(items)
    record_action(
        EventType.COUNSEL_PACK_EXPORTED,
        membership,
        case,
        {
            "referral_id": referral.pk,
            "export_id": export.pk,
            "partner_id": referral.partner_id,
            "mode": mode,
            "items": [_item_ref(item.kind, item.object_id) for item in items],
        },
    )
    return ExportedPack(export, data, f"referral-{referral.reference}.zip.age")
