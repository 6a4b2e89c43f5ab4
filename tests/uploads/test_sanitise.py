"""Uploaded evidence is type-checked by content, cleaned of metadata, or refused (UPL-01..04)."""

import hashlib
import io

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from haven.uploads import RejectionCode, SanitisedFile, UploadRejected, pdfs, sanitise
from haven.uploads.rejections import (
    MESSAGES,
    PDF_ACTIVE_CONTENT_MESSAGE,
    TOO_LARGE_MESSAGE,
    TOO_MANY_PIXELS_MESSAGE,
    TYPE_MISMATCH_MESSAGE,
    TYPE_NOT_ALLOWED_MESSAGE,
)
from tests.uploads import evidence_files as files

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_pixels": 4_000_000}


def rejection(data: bytes, name: str, **options) -> UploadRejected:
    with pytest.raises(UploadRejected) as raised:
        sanitise(data, name, **{**LIMITS, **options})
    return raised.value


def reopen(cleaned: SanitisedFile) -> Image.Image:
    return Image.open(io.BytesIO(cleaned.content))


class TestImages:
    def test_a_jpeg_loses_gps_camera_xmp_icc_and_comment(self):
        """UPL-04: the stored JPEG has no EXIF (GPS, make, model), XMP, ICC profile or comment."""
        original = files.jpeg_with_gps()

        cleaned = sanitise(original, "IMG_0042.JPG", **LIMITS)

        stored = reopen(cleaned)
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(stored.info)
        assert b"Fictional Optics" not in cleaned.content
        assert b"Vessa" not in cleaned.content
        assert {"EXIF", "GPS location", "camera make, model or serial number", "XMP"} <= set(
            cleaned.removed_metadata
        )
        assert "ICC colour profile" in cleaned.removed_metadata
        assert "comment" in cleaned.removed_metadata

    def test_the_rotation_tag_is_applied_to_the_pixels(self):
        """An EXIF orientation of 6 (rotate 90 degrees) turns a 40x20 photo into a 20x40 one."""
        cleaned = sanitise(files.jpeg_with_gps(width=40, height=20), "photo.jpg", **LIMITS)

        assert reopen(cleaned).size == (20, 40)

    def test_the_result_records_the_original_hash_for_chain_of_custody(self):
        """UPL-04: the sha256 of the bytes received is kept, and differs from the stored file's."""
        original = files.jpeg_with_gps()

        cleaned = sanitise(original, "photo.jpeg", **LIMITS)

        assert cleaned.original_sha256 == hashlib.sha256(original).hexdigest()
        assert cleaned.sha256 != cleaned.original_sha256
        assert (cleaned.media_type, cleaned.extension) == ("image/jpeg", "jpg")

    def test_a_png_loses_its_text_chunks_and_keeps_transparency(self):
        """UPL-04: PNG tEXt chunks and EXIF go; the alpha channel stays."""
        cleaned = sanitise(files.png_with_text(), "map.png", **LIMITS)

        stored = reopen(cleaned)
        assert stored.mode == "RGBA"
        assert dict(stored.getexif()) == {}
        assert b"Safe house" not in cleaned.content
        assert "text chunks: Author, Location" in cleaned.removed_metadata

    def test_a_webp_loses_its_exif_and_xmp(self):
        """UPL-04: a WebP is re-encoded without EXIF or XMP."""
        cleaned = sanitise(files.webp_with_exif(), "scan.webp", **LIMITS)

        stored = reopen(cleaned)
        assert stored.format == "WEBP"
        assert dict(stored.getexif()) == {}
        assert "xmp" not in stored.info
        assert cleaned.media_type == "image/webp"

    def test_a_pixel_flood_png_of_a_few_kilobytes_is_refused(self):
        """UPL-03: a 20000x20000 PNG that compresses to tens of KB is refused before decoding."""
        bomb = files.pixel_flood_png()
        assert len(bomb) < 100_000

        refused = rejection(bomb, "flood.png", max_pixels=10**12)

        assert refused.code is RejectionCode.TOO_MANY_PIXELS
        assert refused.message == TOO_MANY_PIXELS_MESSAGE

    def test_an_image_over_the_configured_pixel_limit_is_refused(self):
        """UPL-03: the caller's pixel limit applies to ordinary images too."""
        refused = rejection(files.jpeg_with_gps(width=100, height=100), "big.jpg", max_pixels=9_999)

        assert refused.code is RejectionCode.TOO_MANY_PIXELS

    def test_a_jpeg_html_polyglot_is_re_encoded_without_the_html(self):
        """UPL-02: HTML hidden in a JPEG comment and after its end marker does not survive."""
        cleaned = sanitise(files.jpeg_html_polyglot(), "innocent.jpg", **LIMITS)

        assert b"<script" not in cleaned.content
        assert b"<html" not in cleaned.content.lower()
        assert cleaned.content.endswith(b"\xff\xd9")
        assert reopen(cleaned).size == (8, 8)

    def test_a_truncated_jpeg_is_refused_as_unreadable(self):
        """A file that starts like a JPEG but cannot be decoded is refused with a clear message."""
        broken = files.jpeg_with_gps()[:200]

        assert rejection(broken, "cut.jpg").code is RejectionCode.UNREADABLE


class TestTypes:
    @pytest.mark.parametrize(
        ("data", "name"),
        [
            (files.HTML_PAGE, "photo.jpg"),
            (files.HTML_PAGE, "page.html"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "logo.svg"),
            (b'<?xml version="1.0"?><statement/>', "statement.xml"),
            (files.windows_executable(), "readme.txt"),
            (files.windows_executable(), "setup.exe"),
            (files.zip_archive(), "evidence.zip"),
            (files.zip_archive(), "evidence.jpg"),
            (files.macro_word_document(), "report.docm"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "old-macro.doc"),
            (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "animation.gif"),
        ],
    )
    def test_types_outside_the_allowlist_are_refused_whatever_their_name(self, data, name):
        """UPL-02: HTML, SVG, XML, programs, archives and Office files are refused by content."""
        refused = rejection(data, name)

        assert refused.code is RejectionCode.TYPE_NOT_ALLOWED
        assert refused.message == TYPE_NOT_ALLOWED_MESSAGE

    @pytest.mark.parametrize(
        ("data", "name"),
        [
            (files.png_with_text(), "photo.jpg"),
            (files.jpeg_with_gps(), "scan.pdf"),
            (files.pdf_with_author(), "letter.txt"),
            (b"plain words", "notes.png"),
        ],
    )
    def test_a_file_whose_extension_lies_about_its_content_is_refused(self, data, name):
        """UPL-02: content and extension must agree."""
        refused = rejection(data, name)

        assert refused.code is RejectionCode.TYPE_MISMATCH
        assert refused.message == TYPE_MISMATCH_MESSAGE

    @pytest.mark.parametrize("name", ["noextension", ".jpg", "trailingdot.", ""])
    def test_a_name_without_an_extension_is_refused(self, name):
        """A file must say what it is in its name as well as in its content."""
        assert rejection(files.jpeg_with_gps(), name).code is RejectionCode.NO_EXTENSION

    def test_only_the_last_component_of_a_path_counts(self):
        """A name sent with a Windows path is judged by its final component."""
        cleaned = sanitise(files.jpeg_with_gps(), "C:\\Users\\field\\DCIM\\IMG.JPEG", **LIMITS)

        assert cleaned.extension == "jpg"

    def test_rejection_messages_never_repeat_the_file_name(self):
        """No rejection message carries user input; they are fixed sentences."""
        name = "statement-about-colonel-vantor.zip"
        refused = rejection(files.zip_archive(), name)

        assert "vantor" not in str(refused) + refused.detail
        assert str(refused) in MESSAGES.values()


class TestSize:
    def test_one_byte_over_the_limit_is_refused(self):
        """UPL-01: the limit plus one byte is refused with a clear message."""
        text = b"a" * 101

        refused = rejection(text, "note.txt", max_bytes=100)

        assert refused.code is RejectionCode.TOO_LARGE
        assert refused.message == TOO_LARGE_MESSAGE

    def test_exactly_the_limit_is_accepted(self):
        """UPL-01: a file of exactly the limit passes."""
        cleaned = sanitise(b"a" * 100, "note.txt", max_bytes=100, max_pixels=1)

        assert cleaned.content == b"a" * 100

    def test_an_empty_file_is_refused(self):
        """An empty upload is refused rather than stored."""
        assert rejection(b"", "note.txt").code is RejectionCode.EMPTY


class TestPdf:
    def test_a_pdf_loses_its_author_and_xmp(self):
        """UPL-04: /Author, /Creator and the XMP packet are gone from the stored PDF."""
        cleaned = sanitise(files.pdf_with_author(), "statement.pdf", **LIMITS)

        with pikepdf.open(io.BytesIO(cleaned.content)) as stored:
            assert "/Info" not in stored.trailer
            assert "/Metadata" not in stored.Root
            assert len(stored.pages) == 1
        assert b"Vessa" not in cleaned.content
        assert {"PDF /Author", "PDF /Creator", "XMP metadata"} <= set(cleaned.removed_metadata)
        assert cleaned.media_type == "application/pdf"

    @pytest.mark.parametrize(
        "build",
        [files.pdf_with_javascript, files.pdf_with_launch_action, files.pdf_with_embedded_file],
        ids=["javascript", "launch", "embedded-file"],
    )
    def test_a_pdf_with_active_content_is_refused(self, build):
        """UPL-02: JavaScript, launch actions and embedded files make a PDF unacceptable."""
        refused = rejection(build(), "document.pdf")

        assert refused.code is RejectionCode.PDF_ACTIVE_CONTENT
        assert refused.message == PDF_ACTIVE_CONTENT_MESSAGE

    @pytest.mark.parametrize(
        "build",
        [
            files.pdf_with_uri_open_action,
            files.pdf_with_remote_goto_link,
            files.pdf_with_page_open_uri_action,
        ],
        ids=["open-action-uri", "gotor-link", "page-additional-action"],
    )
    def test_actions_that_reach_another_host_are_stripped(self, build):
        """UPL-04, TOR-01: no /OpenAction, /AA, /URI or /GoToR action survives cleaning."""
        cleaned = sanitise(build(), "document.pdf", **LIMITS)

        with pikepdf.open(io.BytesIO(cleaned.content)) as stored:
            for dictionary in pdfs._walk(stored):
                assert "/OpenAction" not in dictionary
                assert "/AA" not in dictionary
                assert dictionary.get("/S") not in (pikepdf.Name.URI, pikepdf.Name.GoToR)
            assert len(stored.pages) >= 1
        assert files.TRACKING_HOST.encode() not in cleaned.content

    def test_a_submit_form_action_is_refused(self):
        """UPL-02: a form that submits to a server is refused outright, wherever it hangs."""
        refused = rejection(files.pdf_with_submit_form_action(), "form.pdf")

        assert refused.code is RejectionCode.PDF_ACTIVE_CONTENT

    def test_a_link_within_the_document_is_kept(self):
        """Stripping is targeted: a /GoTo link to the document's own page stays usable."""
        cleaned = sanitise(files.pdf_with_internal_link(), "report.pdf", **LIMITS)

        with pikepdf.open(io.BytesIO(cleaned.content)) as stored:
            link = stored.pages[0].Annots[0]
            assert str(link.A.S) == "/GoTo"

    def test_a_password_protected_pdf_is_refused(self):
        """A PDF that cannot be opened for inspection cannot be cleaned, so it is refused."""
        assert rejection(files.pdf_with_password(), "locked.pdf").code is (
            RejectionCode.PDF_ENCRYPTED
        )

    def test_a_damaged_pdf_is_refused(self):
        """A file that only starts like a PDF is refused as unreadable."""
        assert rejection(b"%PDF-1.7\nnot really", "x.pdf").code is RejectionCode.UNREADABLE


class _SignatureScanner:
    """A stand-in for the local clamd socket: it knows one signature, the EICAR test string."""

    def scan(self, data: bytes) -> str | None:
        return "Eicar-Test-Signature" if files.EICAR_LIKE in data else None


class TestText:
    def test_utf8_text_is_kept_without_its_byte_order_mark(self):
        """Plain UTF-8 text is stored as sent, minus a leading BOM."""
        body = "Témoignage: réunion à 10h, ничего не случилось.\r\n".encode()

        cleaned = sanitise(b"\xef\xbb\xbf" + body, "notes.TXT", **LIMITS)

        assert cleaned.content == body
        assert cleaned.media_type == "text/plain; charset=utf-8"

    @pytest.mark.parametrize(
        ("data", "code"),
        [
            ("Café".encode("latin-1"), RejectionCode.TEXT_NOT_UTF8),
            (b"before\x00after", RejectionCode.TEXT_NOT_UTF8),
            (b"escape \x1b[31m red", RejectionCode.TEXT_NOT_UTF8),
            (b"  <script>alert(1)</script>", RejectionCode.TEXT_LOOKS_LIKE_MARKUP),
            (b"<iframe src=x>", RejectionCode.TEXT_LOOKS_LIKE_MARKUP),
            (b"\xef\xbb\xbf<html><body>", RejectionCode.TEXT_LOOKS_LIKE_MARKUP),
            ("\ufeffnotes".encode("utf-16"), RejectionCode.TEXT_NOT_UTF8),
        ],
    )
    def test_text_that_is_not_plain_utf8_is_refused(self, data, code):
        """UPL-02: text must be UTF-8, without control characters, and not a page in disguise."""
        assert rejection(data, "notes.txt").code is code

    @pytest.mark.parametrize(
        "opening",
        [
            b"00",  # Sounder audio
            b"0707012",  # cpio
            b"caffeine",  # Apple Core Audio
            b"BANK",  # OS/2 bitmap array
            b"BM",  # Windows bitmap
            b"Article 3 of the Convention",  # Usenet news message
            b"(see the note below)",  # a Python pickle, with the final "." below
            b"--- ",  # a patch
            b"-----BEGIN PGP MESSAGE-----\n",
            b"BEGIN:VCARD\n",
            b"GIF89a was the format",
            b"%!encoding",  # txt2tags, and EPS by its first two characters
        ],
    )
    def test_text_is_text_whatever_printable_signature_it_opens_with(self, opening):
        """A valid note that opens like a printable file signature is stored, not refused as
        that format (one random hex log in 256 opens with "00" and was refused as audio)."""
        body = opening + b" notes from the hearing, 10:00.\n"

        cleaned = sanitise(body, "notes.txt", **LIMITS)

        assert cleaned.content == body
        assert cleaned.media_type == "text/plain; charset=utf-8"

    @settings(max_examples=200, deadline=None)
    @given(st.binary(min_size=1, max_size=64))
    def test_any_hex_text_is_accepted(self, random_bytes):
        """Random bytes written as hex (the reliability suite's evidence logs) are plain text."""
        body = (random_bytes.hex() + "\n").encode()

        assert sanitise(body, "log.txt", **LIMITS).content == body

    def test_postscript_stays_refused_as_text(self):
        """Browsers sniff ``%!PS-Adobe-`` as a PostScript program, so it is not accepted as text."""
        refused = rejection(b"%!PS-Adobe-3.0\n%%Pages: 1\n", "page.txt")

        assert refused.code is RejectionCode.TYPE_NOT_ALLOWED

    def test_the_eicar_string_in_text_is_accepted_without_a_scanner(self):
        """Without a configured scanner, EICAR is just text: only a local clamd can flag it."""
        cleaned = sanitise(files.EICAR_LIKE, "eicar.txt", **LIMITS)

        assert cleaned.content == files.EICAR_LIKE

    def test_a_scanner_finding_refuses_the_file(self):
        """UPL-02: a local scanner's finding refuses the upload with MALWARE_FOUND."""
        refused = rejection(files.EICAR_LIKE, "eicar.txt", scanner=_SignatureScanner())

        assert refused.code is RejectionCode.MALWARE_FOUND
        assert refused.detail == "Eicar-Test-Signature"

    def test_a_clean_file_passes_the_scanner(self):
        """A scanner that finds nothing lets the file through unchanged."""
        cleaned = sanitise(b"nothing to see", "n.txt", **LIMITS, scanner=_SignatureScanner())

        assert cleaned.content == b"nothing to see"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(min_size=1, max_size=400),
        st.sampled_from(
            [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4", b"RIFF\0\0\0\0WEBP"]
        ).flatmap(lambda head: st.binary(max_size=300).map(lambda tail: head + tail)),
    ),
    extension=st.sampled_from(["jpg", "png", "webp", "pdf", "txt", "exe"]),
)
def test_arbitrary_bytes_are_cleaned_or_refused_never_crash(data, extension):
    """Any input either yields an allowlisted file or an UploadRejected with a known message."""
    try:
        cleaned = sanitise(data, f"file.{extension}", **LIMITS)
    except UploadRejected as refused:
        assert refused.message == MESSAGES[refused.code]
    else:
        assert cleaned.extension in {"jpg", "png", "webp", "pdf", "txt"}
