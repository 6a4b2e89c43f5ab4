"""
Asylum-bridge journeys in a browser (issue 13), each as the person who does it in practice: the
informed-consent conversation recorded by the caseworker; a legal opinion that disagrees with the
engine on one element, seen by the caseworker on the case page; a referral pack exported to counsel
and opened with `age`; tension seen at the application before it is submitted; a deadline
warning for a defender in a host state with a hard filing deadline, seen by the case team and by
the defender on their portal page. Every person is fictional.
"""

import datetime
import io
import json
import os
import pathlib
import shutil
import subprocess
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from haven.asylum.models import ConsentConversation, ExplainedItem, LegalOpinion
from haven.cases.models import Case
from haven.counsel.models import CounselReferral, PackExport
from haven.organisations.models import Role
from haven.portal.models import Referral, ReferralStatus
from haven.relocations import services as relocation_services
from haven.vault.keyring import keyring_scope
from tests.asylum.factories import journalist_facing_a_warrant, stay_in, stay_in_review
from tests.conftest import make_member
from tests.counsel.factories import referral_case
from tests.portal.helpers import PASSPHRASE, submit_referral
from tests.programmes.factories import assign, make_programme
from tests.relocations.factories import days_ago, host_partner_of, membership_of, open_stay

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _case_in_review(organisation, coordinator, caseworker):
    case = Case.objects.get(pk=stay_in_review(organisation, coordinator).case_id)
    assign(case, caseworker)
    return case


def test_consent_conversation_recorded(
    page_without_js, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    page = page_without_js
    case = _case_in_review(organisation, coordinator, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("text=Open the asylum bridge records")
    page.click("text=Record a conversation")
    page.fill("#id_held_on", days_ago(1).isoformat())
    for topic in ("programme_policy", "stipend", "right_not_waivable", "independent_advice"):
        page.check(f"input[name=explained][value={topic}]")
    page.fill("#id_how_rights", "Nothing she signed for the programme takes the right away.")
    page.fill("#id_language", "Spanish")
    page.fill("#id_interpreter", "Fictional community interpreter")
    page.select_option("#id_decision", "advice_first")
    page.fill("#id_wishes", "Talk to an independent lawyer first; keep the programme out of it.")
    page.check("#id_no_pressure")
    _submit(page, "main form button[type=submit]")

    body = page.text_content("main")
    assert "The conversation is recorded." in page.text_content("body")
    assert "Wants independent legal advice before deciding" in body
    assert "keep the programme out of it" in body
    assert "The right to seek asylum cannot be waived or signed away" in body
    assert "The effect of a claim on housing" in body  # listed as not explained
    conversation = ConsentConversation.objects.get(case=case)
    assert ExplainedItem.objects.filter(conversation=conversation).count() == 4
    assert conversation.no_pressure_attested


def test_consent_conversation_without_the_attestation_saves_nothing(
    page_without_js, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    page = page_without_js
    case = _case_in_review(organisation, coordinator, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/asylum/cases/{case.pk}/consent/")
    page.check("input[name=explained][value=right_not_waivable]")
    page.check("input[name=explained][value=independent_advice]")
    page.fill("#id_language", "Spanish")
    page.fill("#id_wishes", "Not sure yet.")
    _submit(page, "main form button[type=submit]")

    assert "This field is required." in page.text_content("main")
    assert not ConsentConversation.objects.exists()


def test_legal_opinion_disagreement_visible_to_caseworker(
    page_without_js, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    page = page_without_js
    case = _case_in_review(organisation, coordinator, caseworker)
    legal = make_member(organisation, Role.LEGAL_ADVISER, "lena.legal")
    assign(case, legal)
    with keyring_scope():
        protection = case.assessments.order_by("-recorded_at").first().output["protection"]
    name, element = next(iter(protection["elements"].items()))
    own = "not_met" if element["finding"] != "not_met" else "met"

    sign_in_through_browser(page, legal)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/asylum/cases/{case.pk}/")
    page.click("text=Give a legal opinion on the latest assessment")
    page.check(f"input[name={name}__view][value=disagree]")
    _submit(page, "main form button[type=submit]")  # no reasons yet: refused, nothing saved
    assert "A disagreement needs reasons." in page.text_content("main")
    assert not LegalOpinion.objects.exists()

    page.check(f"input[name={name}__view][value=disagree]")
    page.select_option(f"#id_{name}__finding", own)
    page.fill(f"#id_{name}__reasons", "The fictional court record shows the opposite.")
    page.fill(f"#id_{name}__sources", "Fictional court record, page 3")
    page.select_option("#id_overall", protection["outcome"])
    page.fill("#id_overall_reasons", "Same overall outcome, one element read differently.")
    _submit(page, "main form button[type=submit]")
    assert "The legal opinion is recorded." in page.text_content("body")
    page.context.clear_cookies()

    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    notices = page.text_content("#case-notices")
    assert "The legal adviser's opinion differs from the engine's." in notices
    page.click("text=Read the legal opinion")
    assert "The fictional court record shows the opposite." in page.text_content("#legal-opinion")
    assert "disagrees" in page.text_content("#legal-opinion")


def _age_tools() -> tuple[str, str]:
    """The ``age`` and ``age-keygen`` commands (Debian package ``age``), or a skip outside CI."""
    age, keygen = shutil.which("age"), shutil.which("age-keygen")
    if age is None or keygen is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the age CLI is missing in CI: .ci/run installs the Debian package age")
        pytest.skip("the age CLI is not installed (apt-get install -y age); skipped outside CI")
    return age, keygen


def test_referral_pack_exported_and_opened_with_age(
    page_without_js,
    live_server,
    organisation,
    coordinator,
    sign_in_through_browser,
    tmp_path: pathlib.Path,
):
    """
    A coordinator puts counsel in the directory with the key counsel made with age-keygen, refers
    a consenting defender with two of the items on offer, downloads the pack, and counsel opens
    it with the age tool: exactly the chosen items are inside, and the referral lists the export.
    """
    age, keygen = _age_tools()
    identity_file = tmp_path / "counsel-key.txt"
    subprocess.run([keygen, "-o", str(identity_file)], check=True, capture_output=True)
    recipient = subprocess.run(
        [keygen, "-y", str(identity_file)], check=True, capture_output=True, text=True
    ).stdout.strip()
    case, threat, attachment, _consent = referral_case(organisation, coordinator)

    page = page_without_js
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Legal-aid partners")
    page.fill("#id_name", "Dune Law Centre (fictional)")
    page.fill("#id_host_state", "Netherlands")
    page.fill("#id_contact", "Signal, via the intake number")
    page.fill("#id_age_recipient", recipient)
    page.fill("#id_key_expires_on", "2099-12-31")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "The partner is in the directory." in page.text_content("body")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("text=Referrals of this case to independent counsel")
    page.select_option("#id_partner", label="Dune Law Centre (fictional) (Netherlands)")
    page.check("input[name=items][value=case_summary]")
    page.check(f"input[name=items][value='threat:{threat.pk}']")
    assert not page.is_checked(f"input[name=items][value='attachment:{attachment.pk}']")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "The referral is recorded." in page.text_content("body")
    referral = CounselReferral.objects.get()

    with page.expect_download() as download:
        page.click("form[action$='/export/'] button[type=submit]")
    encrypted = pathlib.Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == f"referral-{referral.reference}.zip.age"
    assert encrypted.startswith(b"age-encryption.org/v1")
    assert b"Penhaligon" not in encrypted

    opened = subprocess.run(
        [age, "--decrypt", "-i", str(identity_file)],
        input=encrypted,
        check=True,
        capture_output=True,
    ).stdout
    archive = zipfile.ZipFile(io.BytesIO(opened))
    document = json.loads(archive.read("referral.json"))
    assert document["counsel"] == "Dune Law Centre (fictional)"
    assert [item["kind"] for item in document["items"]] == ["case_summary", "threat"]
    assert document["items"][0]["content"]["name"] == "Orla Penhaligon (fictional)"
    assert not [name for name in archive.namelist() if name.startswith("files/")]

    export = PackExport.objects.get()
    assert export.mode == "recipient" and export.items.count() == 2
    page.goto(f"{live_server.url}/counsel/referrals/{referral.pk}/")
    assert "To counsel's key" in page.text_content("#pack-exports")


def test_tension_shown_at_application(
    page_without_js, live_server, organisation, coordinator, caseworker, sign_in_through_browser
):
    """An in-country journalist at critical risk; a programme expecting return; a draft started."""
    page = page_without_js
    programme = make_programme(organisation)
    case = journalist_facing_a_warrant(organisation, coordinator)
    assign(case, caseworker)
    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programmes/cases/{case.pk}/applications/")
    page.select_option("#id_programme", str(programme.pk))
    page.click("text=Start a draft")
    page.wait_for_url("**/programmes/applications/**")

    panel = page.locator(f"#tension-{programme.pk}")
    text = panel.inner_text()
    assert "This programme expects return, but the defender may not be able to go back" in text
    assert "The risk on return is Critical" in text
    assert "before the application is submitted" in text
    for duty in ("Informed consent", "Offer independent legal advice", "No pressure either way",
                 "No abrupt cut-off", "Confidentiality"):  # fmt: skip
        assert duty in text
    assert "Barcelona Guidelines" in text
    # The consent form is still there: the tension informs, it does not block the defender.
    assert page.locator("text=The defender has seen these and consents").count() == 1

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "No pressure either way" in page.inner_text(f"#tension-{programme.pk}")


def test_deadline_warning_for_hard_deadline_state(
    browser,
    page_without_js,
    live_server,
    organisation,
    coordinator,
    caseworker,
    sign_in_through_browser,
):
    """Spain: one month from entry (Ley 12/2009 art 17.2); 25 days after the confirmed arrival."""
    page = page_without_js
    stay = stay_in(organisation, coordinator, "ES", arrived_days_ago=25)
    assign(stay.case, caseworker)
    _response, code = submit_referral(Client(), organisation)
    Referral.objects.update(case=stay.case, status=ReferralStatus.CASE_OPENED)

    sign_in_through_browser(page, caseworker)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/{stay.case.pk}/")
    rules = page.inner_text("#host-state")
    assert "Asylum rules in Spain" in rules
    warning = page.inner_text("#deadline-warnings")
    assert "Within 7 days" in warning and "hard time limit" in warning
    assert "Spain: a claim is due by" in warning
    assert "Ley 12/2009 art 17.2" in warning
    assert "OAR" in rules  # where and how a claim is made there

    host = host_partner_of(stay.programme, organisation)
    host_context = browser.new_context(java_script_enabled=False)
    try:
        host_page = host_context.new_page()
        sign_in_through_browser(host_page, host)
        host_page.wait_for_url(f"{live_server.url}/")
        host_page.goto(f"{live_server.url}/relocations/{stay.pk}/")
        assert "time limit" not in host_page.inner_text("main")
        assert host_page.goto(f"{live_server.url}/cases/{stay.case.pk}/").status == 404
    finally:
        host_context.close()

    # The defender, on their own portal page (the team opened the case from their referral).
    page.context.clear_cookies()
    defender = page
    defender.goto(f"{live_server.url}/portal/status/open/")
    defender.fill("#id_receipt", code)
    defender.fill("#id_passphrase", PASSPHRASE)
    defender.click("main button[type=submit]")
    defender.wait_for_url("**/portal/status/**")
    mine = defender.inner_text("#asylum-deadlines")
    assert "A time limit may be near" in mine
    assert "Spain: a claim is due by" in mine
    assert "nobody may pressure you either way" in mine


def test_visa_issued_elsewhere_shows_the_dublin_point(
    page_without_js, live_server, organisation, coordinator, sign_in_through_browser
):
    """Dublin III art 12: before departure the coordinator records, on the stay page, a Schengen
    visa issued by Germany for a stay in the Netherlands; once the defender has arrived, the case
    page names Germany as normally responsible for a claim."""
    page = page_without_js
    programme = make_programme(organisation, catalogue_id="harbour_nl", host_countries=["NL"])
    stay = open_stay(organisation, coordinator, programme=programme, started_days_ago=20)
    sign_in_through_browser(page, coordinator)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/relocations/{stay.pk}/")
    with page.expect_navigation():  # the visa form opens on its own page (issue 17)
        page.click(f"main a[href='/relocations/{stay.pk}/visa/']")
    form = page.locator(f"form[action='/relocations/{stay.pk}/visa/']")
    form.locator("select[name=route]").select_option("schengen_short_stay")
    form.locator("select[name=outcome]").select_option("granted")
    form.locator("input[name=issuing_state]").fill("Germany")
    form.locator("input[name=valid_from]").fill(days_ago(30).isoformat())
    form.locator("input[name=valid_until]").fill(
        (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Visa recorded." in page.text_content("body")
    assert "Germany" in page.text_content("main")

    member = membership_of(coordinator, organisation)
    relocation_services.preparation_save(
        membership=member,
        stay=stay,
        travel_plan="Train to the border, flight via a safe transit, call on landing.",
        digital_check_done=True,
        insurance={"insurer": "Fictional Mutual"},
        stipend={"amount": "900", "currency": "EUR", "channel": "host_bank_account"},
        expectations_acknowledged_on=days_ago(25),
    )
    relocation_services.arrival_confirm(
        membership=member, stay=stay, arrived_on=stay.planned_start, housing_handed_over=True
    )

    page.goto(f"{live_server.url}/cases/{stay.case_id}/")
    rules = page.inner_text("#host-state")
    assert "The visa was issued by Germany" in rules
    assert "transferred to Germany" in rules
