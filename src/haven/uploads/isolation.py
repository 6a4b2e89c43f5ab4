"""
Cleaning an upload in a separate, limited process, so a hostile file fails alone (UPL-03).

Decoders are where hostile files do their work: a WebP of 87 KB declaring 16,383 x 3,000 pixels
took 1.5 GB and 4 s to decode in the web worker, and a PDF of 450,000 objects 8 s. ``sanitise``
therefore runs in a fresh Python process (``python -I -m haven.uploads.worker``) that, before it
reads a byte of the file, limits its own address space, CPU time and file writes, and disables
core dumps; the parent kills it after a wall-clock limit. Whatever the file does, the worst
outcome is that this one upload is refused; the web worker's memory and time are untouched.

The file goes to the child through a pipe and the cleaned result comes back the same way, so the
plaintext never touches the disk (the child may not write files at all: ``RLIMIT_FSIZE`` is 0).
The parent trusts nothing the child says beyond the cleaned bytes: it recomputes the hash of what
was received, checks the type against the allowlist and accepts only known refusal codes.

Frames: parent to child, one JSON line (name and limits) then the file; child to parent, one
JSON line (the outcome, with the content's length) then the cleaned content.
"""

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from haven.uploads.content_types import ACCEPTED_TYPES
from haven.uploads.rejections import RejectionCode, UploadRejected
from haven.uploads.sanitising import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, SanitisedFile

WORKER_MODULE = "haven.uploads.worker"


@dataclass(frozen=True)
class CleanerLimits:
    """What one cleaning may use. Measured in ``bench/hostile_uploads.py``."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    # Address space, not resident memory: the interpreter, Pillow and QPDF map about 300 MB
    # before any file is read; the rest is room for the largest allowed image, decoded twice.
    memory_bytes: int = 1024 * 1024 * 1024
    cpu_seconds: int = 10
    wall_seconds: float = 20.0


DEFAULT_LIMITS = CleanerLimits()

_ACCEPTED = {(accepted.media_type, accepted.extension) for accepted in ACCEPTED_TYPES.values()}


def sanitise_in_worker(
    data: bytes, declared_name: str, *, limits: CleanerLimits = DEFAULT_LIMITS
) -> SanitisedFile:
    """
    ``sanitise`` run in a limited child process; same result, or ``UploadRejected``.

    A child that runs out of memory, CPU time or wall-clock time, or dies any other way, gives
    ``UploadRejected(TOO_COMPLEX)``; the detail names the limit (never the file).
    """
    if not data:
        raise UploadRejected(RejectionCode.EMPTY)
    if len(data) > limits.max_bytes:
        raise UploadRejected(
            RejectionCode.TOO_LARGE, detail=f"{len(data)} > {limits.max_bytes} bytes"
        )
    request = worker_request(data, declared_name, limits)
    try:
        finished = subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
            worker_command(),
            input=request,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={},
            timeout=limits.wall_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UploadRejected(RejectionCode.TOO_COMPLEX, detail="wall-clock limit") from None
    if finished.returncode != 0:
        raise UploadRejected(
            RejectionCode.TOO_COMPLEX, detail=f"cleaner exited with {finished.returncode}"
        )
    return _outcome(finished.stdout, data)


def worker_command() -> list[str]:
    """The child's command line: this interpreter, isolated from the environment (``-I``)."""
    return [sys.executable, "-I", "-m", WORKER_MODULE]


def worker_request(data: bytes, declared_name: str, limits: CleanerLimits) -> bytes:
    """The bytes the child reads on standard input: a JSON header line, then the file."""
    header = {
        "name": declared_name,
        "max_bytes": limits.max_bytes,
        "max_pixels": limits.max_pixels,
        "memory_bytes": limits.memory_bytes,
        "cpu_seconds": limits.cpu_seconds,
    }
    return json.dumps(header).encode() + b"\n" + data


def _outcome(output: bytes, received: bytes) -> SanitisedFile:
    line, _, content = output.partition(b"\n")
    try:
        outcome: dict[str, Any] = json.loads(line)
    except ValueError:
        raise UploadRejected(RejectionCode.UNREADABLE, detail="cleaner output") from None
    if not isinstance(outcome, dict):
        raise UploadRejected(RejectionCode.UNREADABLE, detail="cleaner output")
    if not outcome.get("ok"):
        try:
            code = RejectionCode(str(outcome.get("code")))
        except ValueError:
            code = RejectionCode.UNREADABLE
        raise UploadRejected(code, detail=str(outcome.get("detail", ""))[:200])
    kind = (outcome.get("media_type"), outcome.get("extension"))
    removed = outcome.get("removed")
    if (
        kind not in _ACCEPTED
        or outcome.get("length") != len(content)
        or not isinstance(removed, list)
        or not all(isinstance(item, str) for item in removed)
    ):
        raise UploadRejected(RejectionCode.UNREADABLE, detail="cleaner output")
    return SanitisedFile(
        content=content,
        media_type=str(kind[0]),
        extension=str(kind[1]),
        original_sha256=hashlib.sha256(received).hexdigest(),
        removed_metadata=tuple(removed),
    )
