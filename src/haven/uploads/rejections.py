"""
Why an upload was refused, as a stable code and a message fit to show the person uploading.

Messages are module-level constants so tests and views use the same text. They never repeat the
file's name or content: a declared name can itself be sensitive ("statement-about-colonel-x.pdf"),
and an error message ends up in places (logs, screenshots) that the encrypted store does not cover.
"""

from enum import StrEnum, unique


@unique
class RejectionCode(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NO_EXTENSION = "no_extension"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    TYPE_MISMATCH = "type_mismatch"
    TOO_MANY_PIXELS = "too_many_pixels"
    UNREADABLE = "unreadable"
    PDF_ACTIVE_CONTENT = "pdf_active_content"
    PDF_ENCRYPTED = "pdf_encrypted"
    TEXT_NOT_UTF8 = "text_not_utf8"
    TEXT_LOOKS_LIKE_MARKUP = "text_looks_like_markup"
    MALWARE_FOUND = "malware_found"
    TOO_COMPLEX = "too_complex"


EMPTY_MESSAGE = "The file is empty."
TOO_LARGE_MESSAGE = "The file is too large. Please upload a smaller file or split it."
NO_EXTENSION_MESSAGE = (
    "The file name has no extension. Accepted files: JPEG, PNG or WebP images, PDF documents "
    "and plain text (.txt)."
)
TYPE_NOT_ALLOWED_MESSAGE = (
    "This kind of file is not accepted. Accepted files: JPEG, PNG or WebP images, PDF documents "
    "and plain text (.txt). Archives, web pages, SVG, XML, programs and Office files are refused."
)
TYPE_MISMATCH_MESSAGE = (
    "The file's content does not match its name's extension. Please upload the file with its "
    "real extension."
)
TOO_MANY_PIXELS_MESSAGE = (
    "The image has too many pixels to process safely. Please upload a smaller image."
)
UNREADABLE_MESSAGE = "The file could not be read; it may be damaged or incomplete."
PDF_ACTIVE_CONTENT_MESSAGE = (
    "The PDF contains scripts, embedded files or actions that run programs, so it is refused. "
    "Please print it to a new PDF and upload that."
)
PDF_ENCRYPTED_MESSAGE = "The PDF is password-protected. Please upload an unprotected copy."
TEXT_NOT_UTF8_MESSAGE = (
    "The text file is not valid UTF-8 plain text. Please save it as UTF-8 and upload it again."
)
TEXT_LOOKS_LIKE_MARKUP_MESSAGE = (
    "The text file contains a web page or XML, which is not accepted as plain text."
)
MALWARE_FOUND_MESSAGE = "The malware scanner flagged this file, so it was not stored."
TOO_COMPLEX_MESSAGE = (
    "The file needs more memory or time to clean than is allowed, so it was not stored. Please "
    "upload a smaller image or a simpler document."
)

MESSAGES: dict[RejectionCode, str] = {
    RejectionCode.EMPTY: EMPTY_MESSAGE,
    RejectionCode.TOO_LARGE: TOO_LARGE_MESSAGE,
    RejectionCode.NO_EXTENSION: NO_EXTENSION_MESSAGE,
    RejectionCode.TYPE_NOT_ALLOWED: TYPE_NOT_ALLOWED_MESSAGE,
    RejectionCode.TYPE_MISMATCH: TYPE_MISMATCH_MESSAGE,
    RejectionCode.TOO_MANY_PIXELS: TOO_MANY_PIXELS_MESSAGE,
    RejectionCode.UNREADABLE: UNREADABLE_MESSAGE,
    RejectionCode.PDF_ACTIVE_CONTENT: PDF_ACTIVE_CONTENT_MESSAGE,
    RejectionCode.PDF_ENCRYPTED: PDF_ENCRYPTED_MESSAGE,
    RejectionCode.TEXT_NOT_UTF8: TEXT_NOT_UTF8_MESSAGE,
    RejectionCode.TEXT_LOOKS_LIKE_MARKUP: TEXT_LOOKS_LIKE_MARKUP_MESSAGE,
    RejectionCode.MALWARE_FOUND: MALWARE_FOUND_MESSAGE,
    RejectionCode.TOO_COMPLEX: TOO_COMPLEX_MESSAGE,
}


class UploadRejected(ValueError):  # noqa: N818 (the name the brief and callers use)
    """
    The upload is refused; ``message`` is safe to show the uploader, ``code`` is for audit events.

    ``detail`` names what was detected (a media type, a PDF key) for the audit record and for
    developers; it never holds the file's name or any of its content.
    """

    def __init__(self, code: RejectionCode, *, detail: str = "") -> None:
        self.code = code
        self.message = MESSAGES[code]
        self.detail = detail
        super().__init__(self.message)
