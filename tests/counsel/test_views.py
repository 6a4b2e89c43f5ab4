"""The counsel screens: directory, referral form, referral page and the encrypted download."""

import io
import json
import time
import uuid
import zipfile

import pyrage
import pytest
from django.urls import reverse
from django.utils import timezone

from haven.accounts import signin
from haven.audit.models import AuditEvent
from haven.counsel.models import CounselReferral, LegalPartner, PackExport
from haven.counsel.services import referral_create
from haven.organisations.models import Role
from tests.acting import acting
from tests.conftest import make_member
from tests.counsel.factories import add_partner, expire_key, new_identity, referral_case

pytestmark = pytest.mark.django_db


def _referral_post(partner, consent, keys, **extra):
    today = timezone.localdate().isoformat()
    return {
        "partner": str(partner.pk),
        "referred_on": today,
        "items_agreed_on": today,
        "consent": str(consent.pk) if consent else "",
        "items": keys,
        "note": "",
        "submission_token": str(uuid.uuid4()),
    } | extra


def _made_referral(organisation, coordinator, caseworker, identity=None):
    partner = add_partner(organisation, coordinator, identity=identity)
    case, _threat, attachment, consent = referral_case(organisation, coordinator, caseworker)
    referral = referral_create(
        membership=acting(caseworker or coordinator, organisation),
        case=case,
        partner=partner,
        consent_id=consent.pk,
        referred_on=timezone.localdate(),
        items_agreed_on=timezone.localdate(),
        item_keys=["case_summary", f"attachment:{attachment.pk}"],
    )
    return referral


def test_coordinator_adds_a_partner_and_sees_the_directory(organisation, coordinator, sign_in_as):
    client = sign_in_as(coordinator)
    identity = new_identity()
    response = client.post(
        reverse("counsel:partners"),
        {
            "name": "Dune Law Centre (fictional)",
            "host_state": "Netherlands",
            "contact": "Signal only",
            "age_recipient": str(identity.to_public()),
            "key_expires_on": "2099-01-01",
            "active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("counsel:partners")).content.decode()
    assert "Dune Law Centre (fictional)" in page and "Netherlands" in page


def test_an_invalid_key_is_shown_and_nothing_saved(organisation, coordinator, sign_in_as):
    client = sign_in_as(coordinator)
    response = client.post(
        reverse("counsel:partners"),
        {
            "name": "Dune Law Centre (fictional)",
            "host_state": "Netherlands",
            "contact": "Signal only",
            "age_recipient": "age1thisisnotakey",
            "key_expires_on": "2099-01-01",
        },
    )
    assert response.status_code == 400
    assert "not a valid age recipient key" in response.content.decode()
    assert not LegalPartner.objects.exists()


def test_caseworker_refers_with_items_then_downloads_an_encrypted_pack(
    organisation, coordinator, caseworker, sign_in_as
):
    identity = new_identity()
    partner = add_partner(organisation, coordinator, identity=identity)
    case, threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    client = sign_in_as(caseworker)
    form_page = client.get(reverse("counsel:case", kwargs={"case_id": case.pk})).content.decode()
    assert "Who the defender is" in form_page and "Threat of 2026-03-02" in form_page
    response = client.post(
        reverse("counsel:case", kwargs={"case_id": case.pk}),
        _referral_post(partner, consent, ["case_summary", f"threat:{threat.pk}"]),
    )
    assert response.status_code == 302
    referral = CounselReferral.objects.get()
    page = client.get(response.url).content.decode()
    assert "Dune Law Centre (fictional)" in page and "Threat of 2026-03-02" in page
    download = client.post(
        reverse("counsel:export", kwargs={"counsel_referral_id": referral.pk}),
        {"mode": "recipient"},
    )
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("attachment")
    assert f"referral-{referral.reference}.zip.age" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(pyrage.decrypt(download.content, [identity])))
    document = json.loads(archive.read("referral.json"))
    assert [item["kind"] for item in document["items"]] == ["case_summary", "threat"]
    page = client.get(response.url).content.decode()
    assert "To counsel&#x27;s key" in page or "To counsel's key" in page


def test_referral_without_consent_is_refused_on_the_page(
    organisation, coordinator, caseworker, sign_in_as
):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, _none = referral_case(
        organisation, coordinator, caseworker, consent=False
    )
    client = sign_in_as(caseworker)
    url = reverse("counsel:case", kwargs={"case_id": case.pk})
    assert 'id="no-consent"' in client.get(url).content.decode()
    response = client.post(url, _referral_post(partner, None, ["case_summary"]))
    assert response.status_code == 400
    assert "has not consented" in response.content.decode()
    assert not CounselReferral.objects.exists()


def test_empty_selection_is_refused_on_the_page(organisation, coordinator, caseworker, sign_in_as):
    partner = add_partner(organisation, coordinator)
    case, _threat, _attachment, consent = referral_case(organisation, coordinator, caseworker)
    client = sign_in_as(caseworker)
    response = client.post(
        reverse("counsel:case", kwargs={"case_id": case.pk}), _referral_post(partner, consent, [])
    )
    assert response.status_code == 400
    assert "Choose at least one item" in response.content.decode()
    assert not CounselReferral.objects.exists()


def test_export_to_an_expired_key_is_refused_on_the_page(
    organisation, coordinator, caseworker, sign_in_as
):
    referral = _made_referral(organisation, coordinator, caseworker)
    expire_key(referral.partner)
    client = sign_in_as(caseworker)
    response = client.post(
        reverse("counsel:export", kwargs={"counsel_referral_id": referral.pk}),
        {"mode": "recipient"},
    )
    assert response.status_code == 400
    assert "key expired" in response.content.decode()
    assert response.get("Content-Disposition") is None
    assert not PackExport.objects.exists()
    assert not AuditEvent.objects.filter(event_type="counsel.pack_exported").exists()


def test_passphrases_must_match(organisation, coordinator, caseworker, sign_in_as):
    referral = _made_referral(organisation, coordinator, caseworker)
    client = sign_in_as(caseworker)
    response = client.post(
        reverse("counsel:export", kwargs={"counsel_referral_id": referral.pk}),
        {
            "mode": "passphrase",
            "passphrase": "lantern orchard velvet compass",
            "passphrase_again": "lantern orchard velvet compas",
        },
    )
    assert response.status_code == 400
    assert not PackExport.objects.exists()


def test_a_get_of_the_export_address_downloads_nothing(
    organisation, coordinator, caseworker, sign_in_as
):
    referral = _made_referral(organisation, coordinator, caseworker)
    client = sign_in_as(caseworker)
    response = client.get(reverse("counsel:export", kwargs={"counsel_referral_id": referral.pk}))
    assert response.status_code == 302
    assert not PackExport.objects.exists()


@pytest.mark.parametrize("role", [Role.HOST_PARTNER, Role.ANALYST, Role.AUDITOR])
def test_host_partners_analysts_and_auditors_see_none_of_it(
    organisation, coordinator, caseworker, sign_in_as, role
):
    referral = _made_referral(organisation, coordinator, caseworker)
    item = referral.items.first()
    client = sign_in_as(make_member(organisation, role, f"someone-{role}"))
    for url in (
        reverse("counsel:partners"),
        reverse("counsel:partner", kwargs={"partner_id": referral.partner_id}),
        reverse("counsel:case", kwargs={"case_id": referral.case_id}),
        reverse("counsel:referral", kwargs={"counsel_referral_id": referral.pk}),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("counsel:export", kwargs={"counsel_referral_id": referral.pk}),
        reverse("counsel:item_withdraw", kwargs={"pack_item_id": item.pk}),
    ):
        assert client.post(url, {"mode": "recipient"}).status_code == 404, url
    assert not PackExport.objects.exists()


def test_an_unassigned_caseworker_gets_404(organisation, coordinator, caseworker, sign_in_as):
    referral = _made_referral(organisation, coordinator, None)
    client = sign_in_as(caseworker)
    assert (
        client.get(
            reverse("counsel:referral", kwargs={"counsel_referral_id": referral.pk})
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("counsel:case", kwargs={"case_id": referral.case_id})).status_code == 404
    )


def test_withdrawing_an_items_consent_from_the_page(
    organisation, coordinator, caseworker, sign_in_as
):
    referral = _made_referral(organisation, coordinator, caseworker)
    item = referral.items.get(kind="attachment")
    client = sign_in_as(caseworker)
    response = client.post(reverse("counsel:item_withdraw", kwargs={"pack_item_id": item.pk}))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.withdrawn_at is not None


def test_export_needs_a_fresh_second_factor(organisation, coordinator, caseworker, sign_in_as):
    """SESS-04: a session whose second factor is an hour old cannot take the pack away."""
    referral = _made_referral(organisation, coordinator, caseworker)
    client = sign_in_as(caseworker)
    session = client.session
    session[signin.SECOND_FACTOR_AT] = time.time() - 3600
    session.save()
    response = client.post(
        reverse("counsel:export", kwargs={"counsel_referral_id": referral.pk}),
        {"mode": "recipient"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:step_up"))
    assert not PackExport.objects.exists()


def test_counsel_in_the_stays_host_state_come_first(organisation, coordinator, sign_in_as):
    from tests.relocations.factories import open_stay

    stay = open_stay(organisation, coordinator)
    add_partner(organisation, coordinator, name="Alder Legal (fictional)", host_state="DE")
    add_partner(organisation, coordinator, name="Dune Law Centre (fictional)", host_state="NL")
    client = sign_in_as(coordinator)
    page = client.get(reverse("counsel:case", kwargs={"case_id": stay.case_id})).content.decode()
    assert "The defender's stay is in Netherlands" in page
    assert page.index("Dune Law Centre") < page.index("Alder Legal")
    assert "no counsel with a current key in that state" not in page


def test_a_stay_where_the_directory_has_no_counsel_is_said(organisation, coordinator, sign_in_as):
    from tests.relocations.factories import open_stay

    stay = open_stay(organisation, coordinator)
    add_partner(organisation, coordinator, name="Alder Legal (fictional)", host_state="DE")
    client = sign_in_as(coordinator)
    page = client.get(reverse("counsel:case", kwargs={"case_id": stay.case_id})).content.decode()
    assert "no counsel with a current key in that state" in page
