"""Oversized bodies are refused unread, and uploaded evidence is never spooled to disk (UPL-01, UPL-05)."""

import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from haven.cases.models import Attachment
from tests.cases.factories import assigned_case

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


class UnreadableBody:
    """A request body that fails the test if anyone reads a byte of it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the oversized body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_before_it_is_read(organisation, caseworker, sign_in_as):
    """UPL-01: a Content-Length over HAVEN_MAX_REQUEST_BYTES gets 413 without reading the body."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    response = client.generic(
        "POST",
        reverse("cases:attachment_add", kwargs={"case_id": case.pk}),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.HAVEN_MAX_REQUEST_BYTES + 1),
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_the_refusal_speaks_the_language_the_browser_asks_for(client):
    """The 413 is translated for this request, not in whatever language the thread served last."""
    from django.utils import translation

    oversized = {
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(settings.HAVEN_MAX_REQUEST_BYTES + 1),
        "wsgi.input": UnreadableBody(),
    }
    with translation.override("ar"):
        english = client.generic("POST", "/", HTTP_ACCEPT_LANGUAGE="en", **oversized)
    french = client.generic("POST", "/", HTTP_ACCEPT_LANGUAGE="fr", **oversized)

    assert "too large" in english.content.decode()
    assert "trop volumineuse" in french.content.decode()


def test_a_body_at_the_limit_is_let_through(organisation, caseworker, sign_in_as):
    """The limit refuses only what exceeds it: a small upload still arrives."""
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)

    response = client.post(
        reverse("cases:attachment_add", kwargs={"case_id": case.pk}),
        {"file": SimpleUploadedFile("note.txt", b"A fictional note.\n")},
    )

    assert response.status_code == 302
    assert Attachment.objects.count() == 1


def test_a_large_upload_stays_in_memory_and_never_reaches_a_temporary_file(
    organisation, caseworker, sign_in_as, settings, tmp_path
):
    """UPL-05: a 3 MB file (over Django's 2.5 MB spooling default) is stored with no temp file at all."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "no-such-folder")
    case = assigned_case(organisation, caseworker)
    client = sign_in_as(caseworker)
    statement = b"A fictional witness statement, line after line.\n" * 64_000

    client.post(
        reverse("cases:attachment_add", kwargs={"case_id": case.pk}),
        {"file": SimpleUploadedFile("statement.txt", statement)},
    )

    assert len(statement) > 3_000_000
    assert Attachment.objects.get().size == len(statement)
    assert not (tmp_path / "no-such-folder").exists()


def test_nginx_caps_bodies_exactly_where_the_app_does():
    """
    UPL-01: the staff servers' client_max_body_size equals HAVEN_MAX_REQUEST_BYTES, and no server
    allows more (the portal's onion server allows less: three small files and a form).
    """
    config = (DEPLOY / "nginx.conf").read_text()
    portal_server = config[config.index("listen 127.0.0.1:8081;") :]
    staff_servers = config[: config.index("listen 127.0.0.1:8081;")]
    staff_caps = re.findall(r"client_max_body_size\s+(\d+)m;", staff_servers)
    portal_caps = re.findall(r"client_max_body_size\s+(\d+)m;", portal_server)

    assert staff_caps and portal_caps
    assert {int(cap) * 1024 * 1024 for cap in staff_caps} == {settings.HAVEN_MAX_REQUEST_BYTES}
    assert all(int(cap) * 1024 * 1024 <= settings.HAVEN_MAX_REQUEST_BYTES for cap in portal_caps)


def test_nginx_sends_no_version_and_spools_no_request_body():
    """WEB-06, UPL-05: server_tokens off; request bodies are streamed to the app, not to temp files."""
    config = (DEPLOY / "nginx.conf").read_text()

    assert re.search(r"^server_tokens\s+off;", config, re.MULTILINE)
    assert config.count("proxy_request_buffering off;") == config.count("proxy_pass http")
