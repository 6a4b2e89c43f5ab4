"""
The one entry point for an uploaded file: check it, clean it, or refuse it (UPL-01 to UPL-04).

The steps run cheapest first and each one can only refuse: size, then the extension, then the
type by content (and agreement between the two), then the optional local malware scan on the
bytes as received, then the type's own cleaning (re-encoding for images, metadata removal for
PDFs, strict decoding for text). What is stored is the cleaned output, never the input.

The caller keeps ``original_sha256`` for chain of custody: it proves which file was received
without keeping the file. Keeping the untouched original (UPL-04's "preserve original" path) is
a decision for the caller, under its stricter grant.

Parsing untrusted files is risky even with maintained libraries: the web app calls it through
``haven.uploads.isolation.sanitise_in_worker``, in a child process with memory, CPU-time and
wall-clock limits.
"""

import hashlib
from dataclasses import dataclass

from haven.uploads.content_types import ContentKind, accepted_type
from haven.uploads.images import reencode_image
from haven.uploads.pdfs import clean_pdf
from haven.uploads.plain_text import clean_text
from haven.uploads.rejections import RejectionCode, UploadRejected
from haven.uploads.scanning import MalwareScanner

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# 24 megapixels (6000 x 4000): a full-size photo from most cameras and phones; a larger one is
# refused before decoding (UPL-03), keeping the cleaner within its memory limit.
DEFAULT_MAX_PIXELS = 24_000_000


@dataclass(frozen=True)
class SanitisedFile:
    """A cleaned upload ready for encrypted storage, and what was done to it."""

    content: bytes
    media_type: str
    extension: str
    original_sha256: str
    removed_metadata: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sanitise(
    data: bytes,
    declared_name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    scanner: MalwareScanner | None = None,
) -> SanitisedFile:
    """
    Return the cleaned file, or raise ``UploadRejected`` saying why it cannot be stored.

    ``declared_name`` is used only for its extension, which must agree with the content. A
    ``scanner`` that finds something refuses the file with ``MALWARE_FOUND``; the caller records
    an audit event for that refusal.
    """
    if not data:
        raise UploadRejected(RejectionCode.EMPTY)
    if len(data) > max_bytes:
        raise UploadRejected(RejectionCode.TOO_LARGE, detail=f"{len(data)} > {max_bytes} bytes")
    accepted = accepted_type(data, declared_name)
    if scanner is not None:
        finding = scanner.scan(data)
        if finding:
            raise UploadRejected(RejectionCode.MALWARE_FOUND, detail=finding)
    removed: list[str] = []
    if accepted.kind is ContentKind.PDF:
        content, removed = clean_pdf(data)
    elif accepted.kind is ContentKind.TEXT:
        content = clean_text(data)
    else:
        content, removed = reencode_image(data, accepted.kind, max_pixels=max_pixels)
    return SanitisedFile(
        content=content,
        media_type=accepted.media_type,
        extension=accepted.extension,
        original_sha256=hashlib.sha256(data).hexdigest(),
        removed_metadata=tuple(removed),
    )
