"""
A defender's files waiting in the intake queue are evidence like a case's attachments (issue 11,
item 1; BAK-01, BAK-02): a backup carries them (as ciphertext only), a restore brings them back,
and ``haven vault verify`` opens them. Every person is fictional.
"""

import gzip
import io
import json

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from haven.portal.models import ReferralFile
from haven.portal.services import referral_file_verify
from haven.vault.backup import restore, snapshot
from haven.vault.integrity import verify_vault
from haven.vault.keyring import keyring_scope
from tests.portal.helpers import submit_referral
from tests.vault.records import wipe_database


@pytest.fixture
def waiting_file(client, organisation) -> ReferralFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "checkpoint-photo.png"
    submit_referral(client, organisation, attachments=buffer)
    return ReferralFile.objects.get()


def test_the_backup_carries_the_waiting_file_as_ciphertext(waiting_file):
    document = json.loads(gzip.decompress(snapshot()))

    assert waiting_file.storage_name in [name for name, _content in document["files"]]
    assert b"checkpoint-photo" not in gzip.decompress(snapshot())


def test_a_restore_brings_the_waiting_file_back(waiting_file):
    data = snapshot()
    wipe_database()
    default_storage.delete(waiting_file.storage_name)

    report = restore(data)

    assert report.files == 1
    restored = ReferralFile.objects.get(pk=waiting_file.pk)
    with keyring_scope() as ring:
        referral_file_verify(restored, ring)
    assert verify_vault().intact


def test_vault_verify_opens_the_waiting_file_and_misses_it_when_gone(waiting_file):
    report = verify_vault()
    assert report.intact
    assert report.files_opened == 1

    default_storage.delete(waiting_file.storage_name)

    report = verify_vault()
    assert not report.intact
    assert any("file" in failure for failure in report.failures)
