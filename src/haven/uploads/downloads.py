"""
Response headers for downloading a stored upload (UPL-06).

Every download is an attachment, never rendered inline; the browser is told not to guess the
type (``nosniff``), the document is sandboxed with nothing allowed to load should it be opened
anyway, and nothing is kept in any cache, since a shared computer may be the defender's only one.

The file name is written twice, per RFC 6266 section 4.3: an ASCII fallback in ``filename`` and
the real name in ``filename*`` (RFC 8187, formerly RFC 5987, percent-encoded UTF-8). Django's
``content_disposition_header`` is not used: it leaves CR and LF in ASCII names, which makes the
response fail (header injection is refused) instead of naming the file safely, and this package
must not need Django.
"""

import re
import unicodedata
from urllib.parse import quote

from haven.uploads.content_types import ACCEPTED_TYPES

_FALLBACK_NAME = "download"
_MAX_NAME_CHARACTERS = 150
_ACCEPTED_MEDIA_TYPES = frozenset(accepted.media_type for accepted in ACCEPTED_TYPES.values())

# Characters kept in the ASCII fallback; everything else becomes "_". Excludes quotes,
# backslashes, semicolons, percent signs and separators, which some clients misparse.
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()+-]")
# Control, format, separator (other than space) and surrogate characters, and path separators.
_UNSAFE_UNICODE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _readable_name(name: str) -> str:
    """Return the name without control characters, path separators or leading dots."""
    cleaned = "".join(
        "_" if unicodedata.category(char) in _UNSAFE_UNICODE_CATEGORIES or char in "/\\" else char
        for char in unicodedata.normalize("NFC", name)
    )
    cleaned = cleaned.strip().lstrip(".").strip()
    return cleaned[-_MAX_NAME_CHARACTERS:] if cleaned else _FALLBACK_NAME


def _ascii_fallback(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    fallback = " ".join(_UNSAFE_ASCII.sub("_", ascii_only).split()).strip(" .")
    return fallback or _FALLBACK_NAME


def content_disposition(filename: str) -> str:
    """Return an ``attachment`` Content-Disposition value that names the file safely."""
    readable = _readable_name(filename)
    fallback = _ascii_fallback(readable)
    encoded = quote(readable, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def download_headers(filename: str, media_type: str, *, size: int | None = None) -> dict[str, str]:
    """
    Return the headers for sending a sanitised upload as a download.

    A media type outside the upload allowlist is sent as ``application/octet-stream``, so a
    caller passing a wrong value can never make a browser render the file.
    """
    content_type = media_type if media_type in _ACCEPTED_MEDIA_TYPES else "application/octet-stream"
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "no-store",
    }
    if size is not None:
        headers["Content-Length"] = str(size)
    return headers
