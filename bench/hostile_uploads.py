"""
Memory and time of the worst uploads, cleaned in the web worker (before) and in the limited
cleaner process (after), side by side in the same run.

The hostile files are built here, fictional and synthetic: an 87 KB-class WebP declaring
16,383 x 3,000 pixels (under the old 50-megapixel limit), a PDF holding 450,000 objects, and three
of the WebPs cleaned at once. "Before" runs ``sanitise`` with the old limits in a plain child
process, as the web worker used to (its peak is the web worker's growth); "after" runs the same
file through the cleaner process exactly as ``sanitise_in_worker`` starts it, with its limits.
Peak resident memory and wall time come from ``os.wait4`` for each process.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from haven.uploads.isolation import DEFAULT_LIMITS, worker_command, worker_request

OLD_MAX_PIXELS = 50_000_000  # and, in IN_WEB_WORKER, the old 500,000-object PDF walk
OLD_MAX_BYTES = 20 * 1024 * 1024
PDF_OBJECTS = 450_000

# The old limits: 50 megapixels, and PDFs walked up to 500,000 objects.
IN_WEB_WORKER = """
import sys
from haven.uploads import pdfs, sanitise, UploadRejected
pdfs._MAX_OBJECTS_WALKED = 500_000
data = open(sys.argv[1], "rb").read()
try:
    sanitise(data, sys.argv[2], max_bytes={max_bytes}, max_pixels={max_pixels})
    print("accepted")
except UploadRejected as rejected:
    print("refused", rejected.code)
"""


def wide_webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16_383, 3_000), (40, 90, 160)).save(out, format="WEBP", quality=10)
    return out.getvalue()


def pdf_with_many_objects(count: int = PDF_OBJECTS) -> bytes:
    """A valid one-page PDF whose catalogue holds an array of ``count`` empty dictionaries."""
    filler = b"<<>>" * count
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Filler [" + filler + b"] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def start_before(path: Path, name: str) -> subprocess.Popen[bytes]:
    script = IN_WEB_WORKER.format(max_bytes=OLD_MAX_BYTES, max_pixels=OLD_MAX_PIXELS)
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def start_after(path: Path, name: str) -> subprocess.Popen[bytes]:
    cleaner = subprocess.Popen(
        worker_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={},
    )
    assert cleaner.stdin is not None
    cleaner.stdin.write(worker_request(path.read_bytes(), name, DEFAULT_LIMITS))
    cleaner.stdin.close()
    return cleaner


def finish(processes: list[subprocess.Popen[bytes]], started: float) -> tuple[float, int, str]:
    """Wait for each process; return the slowest wall time, the summed peak RSS and outcomes."""
    peak_kb = 0
    outcomes = []
    for process in processes:
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        peak_kb += usage.ru_maxrss
        first_line = output.split(b"\n", 1)[0].decode(errors="replace")
        if first_line.startswith("{"):
            outcome = json.loads(first_line)
            first_line = "accepted" if outcome.get("ok") else f"refused {outcome.get('code')}"
        outcomes.append(first_line or f"died (exit {process.returncode})")
    return time.perf_counter() - started, peak_kb * 1024, ", ".join(sorted(set(outcomes)))


def measure(start, path: Path, name: str, copies: int) -> tuple[float, int, str]:
    started = time.perf_counter()
    return finish([start(path, name) for _ in range(copies)], started)


def write_hostile_files(folder: Path) -> None:
    (folder / "wide.webp").write_bytes(wide_webp())
    (folder / "objects.pdf").write_bytes(pdf_with_many_objects())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        # Built in a child: a process forked from a parent that had decoded the big image would
        # report the parent's memory as its own peak.
        subprocess.run([sys.executable, __file__, "--write", str(folder)], check=True)
        webp = folder / "wide.webp"
        pdf = folder / "objects.pdf"
        cases = [
            (f"WebP 16383x3000 ({webp.stat().st_size:,} bytes)", webp, "wide.webp", 1),
            ("three of those WebPs at once", webp, "wide.webp", 3),
            (f"PDF, {PDF_OBJECTS:,} objects ({pdf.stat().st_size:,} bytes)", pdf, "objects.pdf", 1),
        ]
        print(
            f"limits after: {DEFAULT_LIMITS.max_pixels:,} pixels, "
            f"{DEFAULT_LIMITS.memory_bytes // 2**20} MiB address space, "
            f"{DEFAULT_LIMITS.cpu_seconds} s CPU, {DEFAULT_LIMITS.wall_seconds:.0f} s wall"
        )
        for label, path, name, copies in cases:
            before = measure(start_before, path, name, copies)
            after = measure(start_after, path, name, copies)
            print(f"== {label}")
            print(
                f"before (in the web worker): {before[0]:.2f} s, {before[1] / 2**20:,.0f} MiB peak; {before[2]}"
            )
            print(
                f"after (limited cleaner):    {after[0]:.2f} s, {after[1] / 2**20:,.0f} MiB peak; {after[2]}"
            )
            print(
                f"ratio: after/before time {after[0] / before[0]:.2f}x, "
                f"memory {after[1] / before[1]:.2f}x"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        write_hostile_files(Path(sys.argv[2]))
    else:
        main()
