"""Downloads of stored evidence are attachments that no browser renders or caches (UPL-06)."""

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.uploads import content_disposition, download_headers


def filename_star(disposition: str) -> str:
    """Return the decoded RFC 8187 ``filename*`` value of a Content-Disposition header."""
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    return unquote(encoded, encoding="utf-8", errors="strict")


def test_a_download_carries_every_protective_header():
    """UPL-06: attachment, nosniff, a sandbox CSP and no-store, with the stored media type."""
    headers = download_headers("statement.pdf", "application/pdf", size=1234)

    assert headers == {
        "Content-Type": "application/pdf",
        "Content-Disposition": (
            "attachment; filename=\"statement.pdf\"; filename*=UTF-8''statement.pdf"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "no-store",
        "Content-Length": "1234",
    }


def test_quotes_and_crlf_in_a_name_cannot_break_out_of_the_header():
    """UPL-06: a name with quotes, CR and LF yields one safe header line."""
    name = 'report"; filename="evil.html"\r\nSet-Cookie: session=stolen\r\n.pdf'

    disposition = content_disposition(name)

    assert "\r" not in disposition and "\n" not in disposition
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback == "report__ filename__evil.html___Set-Cookie_ session_stolen__.pdf"
    assert disposition.count('"') == 2
    assert filename_star(disposition) == (
        'report"; filename="evil.html"__Set-Cookie: session=stolen__.pdf'
    )


def test_a_non_ascii_name_survives_in_filename_star_with_an_ascii_fallback():
    """UPL-06: RFC 6266/8187 encoding keeps the real name and gives old clients an ASCII one."""
    name = "Überweisung \u2013 ملف الأدلة.pdf"

    disposition = content_disposition(name)

    assert disposition.isascii()
    assert 'filename="Uberweisung .pdf"' in disposition
    assert filename_star(disposition) == name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..\\..\\boot.ini", "_.._boot.ini"),
        ("", "download"),
        ("...", "download"),
        ("\u202etxt.exe", "_txt.exe"),
    ],
)
def test_path_separators_leading_dots_and_bidi_controls_are_neutralised(name, expected):
    """A name cannot carry a path, hide as a dotfile or reverse its extension visually."""
    assert filename_star(content_disposition(name)) == expected


def test_a_media_type_outside_the_allowlist_is_sent_as_octet_stream():
    """A caller's mistake cannot make a browser treat a download as HTML."""
    assert download_headers("x.html", "text/html")["Content-Type"] == "application/octet-stream"


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_any_name_gives_a_single_ascii_header_line(name):
    """For any name, the header is ASCII, on one line, and filename* decodes without control characters."""
    disposition = content_disposition(name)

    assert disposition.isascii()
    assert not {"\r", "\n", "\x00"} & set(disposition)
    assert disposition.startswith('attachment; filename="')
    decoded = filename_star(disposition)
    assert decoded
    assert not any(ord(char) < 0x20 or char in "/\\" for char in decoded)
