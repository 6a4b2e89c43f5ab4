"""
The asylum bridge in a browser (issue 13), each journey as the person who does it in practice.
"""

import io
import json
import os
import pathlib
import shutil
import subprocess
import zipfile

import pytest

from haven.counsel.models import CounselReferral, PackExport
from tests.counsel.factories import referral_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
