"""
The allowlist of upload types, and how a file's type is decided from its bytes (UPL-02).

The type comes from the content, found by ``puremagic`` (pure Python signatures), and the
extension of the declared name must agree with it. A name alone never decides anything: an HTML
page renamed ``.jpg`` is HTML. For the binary types the signature must also sit at offset 0,
because a signature found further in is how polyglots hide one format inside another.

Plain text has no signature, so it is what is left when no signature matches; it must then be
UTF-8 and must not open like a web page or XML document, which browsers would sniff as markup
(WHATWG MIME Sniffing, section 7.1, "identifying a resource with an unknown MIME type").

Many of puremagic's signatures are themselves short runs of printable characters ("00" for a
Sounder audio file, "BA" for an OS/2 bitmap array, "(" for a Python pickle, "Article" for a news
message, "caff" for Core Audio), so they match ordinary notes: one plain-text file in 256 that
opens with two zeros was refused as audio. A file that is plain text (it passes every text check:
strict UTF-8, no control characters, no markup opening) is therefore text whatever such a
signature says; it is stored as ``.txt`` with ``text/plain``, which is all it can be opened as.
The formats that are refused by content (executables, archives, Office files, GIF, ...) are
binary and never pass those checks. The exceptions are the openings a browser sniffs as another
type: markup (refused by the text checks) and PostScript, which stays refused.
"""

from dataclasses import dataclass
from enum import StrEnum, unique
from pathlib import PurePosixPath, PureWindowsPath

import puremagic

from haven.uploads.plain_text import clean_text
from haven.uploads.rejections import RejectionCode, UploadRejected


@unique
class ContentKind(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    PDF = "pdf"
    TEXT = "text"


@dataclass(frozen=True)
class AcceptedType:
    """One allowlisted type: its stored media type, its canonical extension and the names it may carry."""

    kind: ContentKind
    media_type: str
    extension: str
    extensions: frozenset[str]


ACCEPTED_TYPES: dict[ContentKind, AcceptedType] = {
    ContentKind.JPEG: AcceptedType(
        ContentKind.JPEG, "image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"})
    ),
    ContentKind.PNG: AcceptedType(ContentKind.PNG, "image/png", "png", frozenset({"png"})),
    ContentKind.WEBP: AcceptedType(ContentKind.WEBP, "image/webp", "webp", frozenset({"webp"})),
    ContentKind.PDF: AcceptedType(ContentKind.PDF, "application/pdf", "pdf", frozenset({"pdf"})),
    ContentKind.TEXT: AcceptedType(
        ContentKind.TEXT, "text/plain; charset=utf-8", "txt", frozenset({"txt", "text"})
    ),
}

_MEDIA_TYPE_KINDS: dict[str, ContentKind] = {
    "image/jpeg": ContentKind.JPEG,
    "image/png": ContentKind.PNG,
    "image/webp": ContentKind.WEBP,
    "application/pdf": ContentKind.PDF,
}


# Signatures puremagic reports for data that is still plain text; the text checks decide.
_TEXT_MEDIA_TYPES = frozenset({"text/plain", "text/csv", "application/json"})
_UTF8_BOM = b"\xef\xbb\xbf"
# Text a browser sniffs as something other than text or markup (WHATWG MIME Sniffing 7.1): a
# PostScript program. ``%PDF-`` is there too and is decided as a PDF.
_SNIFFED_AS_A_PROGRAM = (b"%!PS-Adobe-",)


def _starts_with_signature(kind: ContentKind, data: bytes) -> bool:
    if kind is ContentKind.JPEG:
        return data.startswith(b"\xff\xd8\xff")
    if kind is ContentKind.PNG:
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind is ContentKind.WEBP:
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if kind is ContentKind.PDF:
        return data.startswith(b"%PDF-")
    return True


def _is_plain_text(data: bytes) -> bool:
    """True when ``data`` passes every plain-text check (UTF-8, no control characters, no markup)."""
    if data.startswith(_SNIFFED_AS_A_PROGRAM):
        return False
    try:
        clean_text(data)
    except UploadRejected:
        return False
    return True


def declared_extension(declared_name: str) -> str:
    """
    Return the lower-case extension of the last path component of a declared file name.

    Browsers and scripts may send a full path, with either separator; only the final name counts.
    """
    name = PureWindowsPath(PurePosixPath(declared_name.replace("\x00", "")).name).name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip(". ") or not extension:
        raise UploadRejected(RejectionCode.NO_EXTENSION)
    return extension.strip().lower()


def sniff_kind(data: bytes) -> ContentKind:
    """
    Return the allowlisted kind of ``data``, decided by content alone.

    Raises ``UploadRejected(TYPE_NOT_ALLOWED)`` with the detected media type as detail when a
    signature names a type outside the allowlist (unless the data is plain text, which such a
    signature matched by chance), or an allowlisted signature is not at offset 0.
    """
    if data.startswith(_UTF8_BOM):
        return ContentKind.TEXT
    try:
        matches = puremagic.magic_string(data)
    except puremagic.PureError:
        matches = []
    if not matches:
        return ContentKind.TEXT
    best = matches[0]
    detected = best.mime_type or best.extension or best.name
    kind = _MEDIA_TYPE_KINDS.get(best.mime_type)
    if kind is None:
        if best.mime_type in _TEXT_MEDIA_TYPES or _is_plain_text(data):
            return ContentKind.TEXT
        raise UploadRejected(RejectionCode.TYPE_NOT_ALLOWED, detail=detected)
    if not _starts_with_signature(kind, data):
        raise UploadRejected(RejectionCode.TYPE_NOT_ALLOWED, detail=f"{detected} not at offset 0")
    return kind


def accepted_type(data: bytes, declared_name: str) -> AcceptedType:
    """Return the allowlisted type of an upload whose content and extension agree, or reject it."""
    extension = declared_extension(declared_name)
    kind = sniff_kind(data)
    accepted = ACCEPTED_TYPES[kind]
    if extension not in accepted.extensions:
        raise UploadRejected(
            RejectionCode.TYPE_MISMATCH, detail=f"content {accepted.media_type}, name .{extension}"
        )
    return accepted
