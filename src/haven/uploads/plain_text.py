"""
Plain-text uploads: strict UTF-8, no control characters, nothing a browser would sniff as markup.

A text file passes through unchanged except for a leading byte-order mark, which is dropped so
the stored text has one canonical form. Text is never rendered as HTML by Haven, and downloads
carry ``nosniff`` and a sandbox CSP (UPL-06); refusing markup here is a second wall, for a
browser or mail client that ignores those headers.
"""

import re

from haven.uploads.rejections import RejectionCode, UploadRejected

_UTF8_BOM = b"\xef\xbb\xbf"

# Control characters other than tab, line feed, form feed and carriage return have no place in
# a plain-text note and are how binary data and terminal escape sequences show up.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# The tags that make a browser sniff an unlabelled resource as HTML or XML (WHATWG MIME
# Sniffing 7.1), plus SVG; matched case-insensitively after leading whitespace.
_MARKUP_OPENING = re.compile(
    rb"\s*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body"
    rb"|br|p|!--|\?xml|svg)(?:[\s>/]|$)",
    re.IGNORECASE,
)


def clean_text(data: bytes) -> bytes:
    """
    Return the text as canonical UTF-8 without a byte-order mark.

    Raises ``UploadRejected`` when it is not UTF-8, holds control characters, or opens like a
    web page or XML document.
    """
    body = data.removeprefix(_UTF8_BOM)
    try:
        text = body.decode("utf-8", errors="strict")
    except UnicodeDecodeError as not_utf8:
        raise UploadRejected(RejectionCode.TEXT_NOT_UTF8, detail="invalid UTF-8") from not_utf8
    if _CONTROL_CHARACTERS.search(text):
        raise UploadRejected(RejectionCode.TEXT_NOT_UTF8, detail="control characters")
    if _MARKUP_OPENING.match(body):
        raise UploadRejected(RejectionCode.TEXT_LOOKS_LIKE_MARKUP)
    return body
