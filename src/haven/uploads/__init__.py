"""
Safe handling of uploaded evidence files: type allowlist, cleaning and download headers.

Pure Python with Pillow, pikepdf and puremagic; no Django, so the cleaning can run in a worker
process and the rules can be tested without a database. ``sanitise`` takes the received bytes
and returns what may be stored; ``download_headers`` gives the headers to send it back with.
"""

from haven.uploads.downloads import content_disposition, download_headers
from haven.uploads.isolation import DEFAULT_LIMITS, CleanerLimits, sanitise_in_worker
from haven.uploads.rejections import RejectionCode, UploadRejected
from haven.uploads.sanitising import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    SanitisedFile,
    sanitise,
)
from haven.uploads.scanning import MalwareScanner

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "CleanerLimits",
    "MalwareScanner",
    "RejectionCode",
    "SanitisedFile",
    "UploadRejected",
    "content_disposition",
    "download_headers",
    "sanitise",
    "sanitise_in_worker",
]
