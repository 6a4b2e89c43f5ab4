"""
Referral to counsel: the directory, referrals under the defender's consent item by item, and the
age-encrypted pack (issue 13 item 5; docs/asylum-bridge.md; EXP-01, AUD-01, AZ-03).
"""

import io
import json
import zipfile

import pyrage
import pytest
from django.db import connection
from pyrage import passphrase as age_passphrase

from haven.audit.models import AuditEvent
from haven.cases.services import consent_withdraw
from haven.counsel import services
from haven.counsel.models import CounselReferral, LegalPartner, PackExport, ReferralItem
from haven.organisations.models import Role
from haven.vault.keyring import keyring_scope
from tests.acting import acting
from tests.conftest import make_member
from tests.counsel.factories import (
    add_partner,
    expire_key,
    new_identity,
    referral_case,
)

pytestmark = pytest.mark.django_db


def _refer(caseworker, organisation, case, partner, consent, keys, **kwargs):
    from django.utils import timezone

    values = {
        "membership": acting(caseworker, organisation),
        "case": case,
        "partner": partner,
        "consent_id": consent.pk if consent else None,
        "referred_on": timezone.localdate(),
        "items_agreed_on": timezone.localdate(),
        "item_keys": keys,
    } | kwargs
    return services.referral_create(**values)


def _open(data: bytes, identity) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(pyrage.decrypt(data, [identity])))


def test_partner_is_encrypted_and_audited_without_its_name(organisation, coordinator):
    partner = add_partner(organisation, coordinator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM counsel_legalpartner")
        raw = repr(cursor.fetchall())
    assert "Dune" not in raw and "dune-law" not in raw
    with keyring_scope():
        assert LegalPartner.objects.get(pk=partner.pk).name == "Dune Law Centre (fictional)"
    event = AuditEvent.objects.get(event_type="counsel.partner_saved")
    assert "Dune" not in json.dumps(event.data) and partner.age_recipient not in json.dumps(
        event.data
    )


@pytest.mark.parametrize(
    "recipient", ["", "age1notakey", "AGE-SECRET-KEY-1QQQQ", "ssh-ed25519 AAAAC3Nza"]
)
def test_an_invalid_key_is_refused_and_nothing_saved(organisation, coordinator, recipient):
    with pytest.raises(services.CounselError, match="age recipient"):
        add_partner(organisation, coordinator, age_recipient=recipient)
    assert not LegalPartner.objects.exists()


def test_a_key_already_past_its_date_is_refused(organisation, coordinator):
    with pytest.raises(services.CounselError, match="expiry"):
        add_partner(organisation, coordinator, expires_in_days=-1)
    assert not LegalPartner.objects.exists()


def test_only_coordinators_keep_the_directory(organisation, coordinator, caseworker):
    with pytest.raises(services.CounselError):
        add_partner(organisation, caseworker)
    assert not LegalPartner.objects.exists()


def test_referral_records_each_item_with_consent_and_audits_ids_only(
    organisation, coordinator, caseworker
):
    partner = add_partner(organisation, coordinator)
    case, threat, attachment, consent = referral_case(organisation, coordinator, caseworker)
    keys = ["case_summary", f"threat:{threat.pk}", f"attachment:{attachment.pk}"]
    referral = _refer(caseworker, organisation, case, partner, consent, keys)
    items = list(referral.items.order_by("position"))
    assert [(item.kind, item.object_id) for item in items] == [
        ("case_summary", None),
        ("threat", threat.pk),
        ("attachment", attachment.pk),
    ]
    assert referral.host_state == "NL"
    event = AuditEvent.objects.get(event_type="counsel.referral_created")
    text = json.dumps(event.data)
    assert str(threat.pk) in text and str(partner.pk) in text
    assert "Penhaligon" not in text and "Dune" not in text and "newsroom" not in text


def test_no_referral_without_the_defenders_consent(organisation, coordinator, caseworker):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, _none = referral_case(
        organisation, coordinator, caseworker, consent=False
    )
    with pytest.raises(services.CounselError, match="not consented"):
        _refer(caseworker, organisation, case, partner, None, ["case_summary"])
    assert not CounselReferral.objects.exists() and not ReferralItem.objects.exists()
    assert not AuditEvent.objects.filter(event_type="counsel.referral_created").exists()


def test_a_withdrawn_or_other_consent_does_not_count(organisation, coordinator, caseworker):
    from django.utils import timezone

    from haven.cases.services import consent_record

    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    processing = consent_record(
        membership=acting(coordinator, organisation),
        case=case,
        purpose="processing",
        given_on=timezone.localdate(),
        scope="processing",
    )
    with pytest.raises(services.CounselError, match="not consented"):
        _refer(caseworker, organisation, case, partner, processing, ["case_summary"])
    consent_withdraw(
        membership=acting(coordinator, organisation),
        consent=consent,
        reason="She asked us to stop sharing anything with counsel.",
        method="in_person",
        language="es",
    )
    with pytest.raises(services.CounselError, match="not consented"):
        _refer(caseworker, organisation, case, partner, consent, ["case_summary"])
    assert not CounselReferral.objects.exists()


def test_an_empty_selection_saves_nothing(organisation, coordinator, caseworker):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    with pytest.raises(services.CounselError, match="at least one item"):
        _refer(caseworker, organisation, case, partner, consent, [])
    assert not CounselReferral.objects.exists()


def test_an_item_of_another_case_is_refused(organisation, coordinator, caseworker):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    _other, other_threat, _a, _c = referral_case(organisation, coordinator)
    with pytest.raises(services.CounselError, match="no longer exists"):
        _refer(caseworker, organisation, case, partner, consent, [f"threat:{other_threat.pk}"])
    assert not CounselReferral.objects.exists() and not ReferralItem.objects.exists()


def test_a_referral_to_an_expired_key_is_refused(organisation, coordinator, caseworker):
    partner = expire_key(add_partner(organisation, coordinator))
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    with pytest.raises(services.CounselError, match="expired"):
        _refer(caseworker, organisation, case, partner, consent, ["case_summary"])
    assert not CounselReferral.objects.exists()


def test_another_organisations_partner_is_refused(
    organisation, other_organisation, coordinator, caseworker, outsider
):
    foreign = add_partner(other_organisation, outsider)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    with pytest.raises(services.CounselError, match="directory"):
        _refer(caseworker, organisation, case, foreign, consent, ["case_summary"])


def test_pack_opens_with_counsels_identity_and_holds_only_the_chosen_items(
    organisation, coordinator, caseworker
):
    identity = new_identity()
    partner = add_partner(organisation, coordinator, identity=identity)
    case, threat, attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = _refer(
        caseworker,
        organisation,
        case,
        partner,
        consent,
        ["case_summary", f"threat:{threat.pk}", f"attachment:{attachment.pk}"],
    )
    exported = services.pack_export(
        membership=acting(caseworker, organisation), referral=referral, mode="recipient"
    )
    assert exported.data.startswith(b"age-encryption.org/v1")
    assert b"Penhaligon" not in exported.data
    archive = _open(exported.data, identity)
    document = json.loads(archive.read("referral.json"))
    assert document["counsel"] == "Dune Law Centre (fictional)"
    kinds = [item["kind"] for item in document["items"]]
    assert kinds == ["case_summary", "threat", "attachment"]
    assert document["items"][0]["content"]["name"] == "Orla Penhaligon (fictional)"
    assert "plain-clothes" in document["items"][1]["content"]["narrative"]
    file_path = document["items"][2]["content"]["file"]
    assert archive.read(file_path) == b"Summons to appear (fictional).\n"
    # Another identity cannot open it.
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(exported.data, [new_identity()])
    export = PackExport.objects.get()
    assert export.mode == "recipient" and export.items.count() == 3
    event = AuditEvent.objects.get(event_type="counsel.pack_exported")
    assert event.data["mode"] == "recipient" and len(event.data["items"]) == 3
    assert "Penhaligon" not in json.dumps(event.data)


def test_pack_to_a_passphrase(organisation, coordinator, caseworker):
    partner = add_partner(organisation, coordinator)
    case, threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = _refer(caseworker, organisation, case, partner, consent, [f"threat:{threat.pk}"])
    phrase = "lantern orchard velvet compass harbour"
    exported = services.pack_export(
        membership=acting(caseworker, organisation),
        referral=referral,
        mode="passphrase",
        passphrase=phrase,
    )
    archive = zipfile.ZipFile(io.BytesIO(age_passphrase.decrypt(exported.data, phrase)))
    assert [item["kind"] for item in json.loads(archive.read("referral.json"))["items"]] == [
        "threat"
    ]
    assert phrase.split()[0] not in json.dumps(
        AuditEvent.objects.get(event_type="counsel.pack_exported").data
    )


def test_a_short_passphrase_sends_nothing(organisation, coordinator, caseworker):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = _refer(caseworker, organisation, case, partner, consent, ["case_summary"])
    with pytest.raises(services.CounselError, match="at least 20"):
        services.pack_export(
            membership=acting(caseworker, organisation),
            referral=referral,
            mode="passphrase",
            passphrase="short",
        )
    assert not PackExport.objects.exists()
    assert not AuditEvent.objects.filter(event_type="counsel.pack_exported").exists()


def test_a_pack_to_an_expired_key_sends_nothing(organisation, coordinator, caseworker):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = _refer(caseworker, organisation, case, partner, consent, ["case_summary"])
    expire_key(partner)
    referral.partner.refresh_from_db()
    with pytest.raises(services.CounselError, match="expired"):
        services.pack_export(
            membership=acting(caseworker, organisation), referral=referral, mode="recipient"
        )
    assert not PackExport.objects.exists()


def test_withdrawn_items_and_consent_are_respected(organisation, coordinator, caseworker):
    identity = new_identity()
    partner = add_partner(organisation, coordinator, identity=identity)
    case, threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = _refer(
        caseworker, organisation, case, partner, consent, ["case_summary", f"threat:{threat.pk}"]
    )
    member = acting(caseworker, organisation)
    threat_item = referral.items.get(kind="threat")
    threat_item.referral = referral
    services.item_consent_withdraw(membership=member, item=threat_item)
    exported = services.pack_export(membership=member, referral=referral, mode="recipient")
    document = json.loads(_open(exported.data, identity).read("referral.json"))
    assert [item["kind"] for item in document["items"]] == ["case_summary"]
    summary_item = referral.items.get(kind="case_summary")
    summary_item.referral = referral
    services.item_consent_withdraw(membership=member, item=summary_item)
    with pytest.raises(services.CounselError, match="every item"):
        services.pack_export(membership=member, referral=referral, mode="recipient")
    consent_withdraw(
        membership=acting(coordinator, organisation),
        consent=consent,
        reason="She asked us to stop sharing anything with counsel.",
        method="in_person",
        language="es",
    )
    with pytest.raises(services.CounselError, match="withdrew"):
        services.pack_export(membership=member, referral=referral, mode="recipient")
    assert PackExport.objects.count() == 1


@pytest.mark.parametrize("role", [Role.HOST_PARTNER, Role.ANALYST, Role.AUDITOR])
def test_host_partners_analysts_and_auditors_cannot_refer_or_export(
    organisation, coordinator, caseworker, role
):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = _refer(caseworker, organisation, case, partner, consent, ["case_summary"])
    stranger = make_member(organisation, role, f"someone-{role}")
    with pytest.raises(services.CounselError):
        _refer(stranger, organisation, case, partner, consent, ["case_summary"])
    with pytest.raises(services.CounselError):
        services.pack_export(
            membership=acting(stranger, organisation), referral=referral, mode="recipient"
        )
    assert PackExport.objects.count() == 0
