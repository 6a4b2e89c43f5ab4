"""The cleaner runs in a limited child process, so a hostile file fails alone (UPL-03, issue 11 item 3)."""

import io

import pytest
from PIL import Image

from haven.uploads import RejectionCode, UploadRejected, sanitise
from haven.uploads.isolation import CleanerLimits, sanitise_in_worker
from tests.uploads import evidence_files as files


def test_the_child_cleans_exactly_as_sanitise_does():
    """Same bytes, type and removed metadata as the in-process cleaner; the hash is the parent's."""
    original = files.jpeg_with_gps()

    isolated = sanitise_in_worker(original, "photo.jpg")

    assert isolated == sanitise(original, "photo.jpg")


def test_a_refusal_in_the_child_reaches_the_caller_with_its_code():
    """UPL-02: the child's refusal (HTML named .jpg) reaches the caller with its code."""
    with pytest.raises(UploadRejected) as raised:
        sanitise_in_worker(b"<html><script>alert(1)</script></html>", "photo.jpg")

    assert raised.value.code is RejectionCode.TYPE_NOT_ALLOWED


def test_an_image_needing_more_memory_than_allowed_fails_alone():
    """UPL-03: over the address-space limit the child fails and the upload is refused, not the caller."""
    picture = io.BytesIO()
    Image.linear_gradient("L").resize((4000, 3000)).convert("RGB").save(picture, format="PNG")
    tight = CleanerLimits(memory_bytes=160 * 1024 * 1024)

    with pytest.raises(UploadRejected) as raised:
        sanitise_in_worker(picture.getvalue(), "map.png", limits=tight)

    assert raised.value.code is RejectionCode.TOO_COMPLEX


def test_a_cleaner_over_its_wall_clock_limit_is_killed():
    """UPL-03: a child still running at the wall-clock limit is killed and the upload refused."""
    with pytest.raises(UploadRejected) as raised:
        sanitise_in_worker(
            files.pdf_with_author(), "statement.pdf", limits=CleanerLimits(wall_seconds=0.01)
        )

    assert raised.value.code is RejectionCode.TOO_COMPLEX
    assert raised.value.detail == "wall-clock limit"


def test_the_default_pixel_limit_refuses_the_wide_webp_from_its_header():
    """UPL-03: 16,383 x 3,000 pixels (49 megapixels) is over the 24-megapixel default."""
    out = io.BytesIO()
    Image.new("RGB", (16_383, 3_000)).save(out, format="WEBP", quality=1, method=0)

    with pytest.raises(UploadRejected) as raised:
        sanitise_in_worker(out.getvalue(), "wide.webp")

    assert raised.value.code is RejectionCode.TOO_MANY_PIXELS
