"""
The cleaning child process: ``python -I -m haven.uploads.worker`` (see ``haven.uploads.isolation``).

It limits itself before reading the file, cleans it with ``sanitise`` and writes the outcome to
standard output. It never writes a file and never dumps core: the plaintext stays in its memory.
"""

import json
import resource
import sys
from typing import Any, BinaryIO

from haven.uploads.rejections import RejectionCode, UploadRejected
from haven.uploads.sanitising import sanitise


def limit_self(*, memory_bytes: int, cpu_seconds: int) -> None:
    """Cap address space and CPU time, forbid writing files and core dumps (which hold plaintext)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU at the soft limit, SIGKILL a second later should the signal be caught.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _write(out: BinaryIO, outcome: dict[str, Any], content: bytes = b"") -> None:
    out.write(json.dumps(outcome).encode() + b"\n" + content)
    out.flush()


def run(source: BinaryIO, out: BinaryIO) -> None:
    header = json.loads(source.readline())
    limit_self(memory_bytes=int(header["memory_bytes"]), cpu_seconds=int(header["cpu_seconds"]))
    data = source.read()
    try:
        cleaned = sanitise(
            data,
            str(header["name"]),
            max_bytes=int(header["max_bytes"]),
            max_pixels=int(header["max_pixels"]),
        )
    except UploadRejected as rejected:
        _write(out, {"ok": False, "code": str(rejected.code), "detail": rejected.detail})
        return
    except MemoryError:
        _write(out, {"ok": False, "code": str(RejectionCode.TOO_COMPLEX), "detail": "memory"})
        return
    _write(
        out,
        {
            "ok": True,
            "media_type": cleaned.media_type,
            "extension": cleaned.extension,
            "removed": list(cleaned.removed_metadata),
            "length": len(cleaned.content),
        },
        cleaned.content,
    )


if __name__ == "__main__":
    run(sys.stdin.buffer, sys.stdout.buffer)
