"""
Web latency during a large ``haven cases import``, before and after batching (issue 11, item 7).

Builds a throw-away installation (file SQLite, or PostgreSQL when ``DATABASE_URL`` is set), then
runs the same import twice into fresh organisations while a second process repeats what a case
page does to the database (read a page of cases, append one audit event) and records each
latency: first with the whole file in one batch without a time limit (as the import was before:
one transaction holding the database and the audit chain head), then as ``haven cases import``
now does it, in batches of 10 cases or half a second.
Prints p50, p99 and worst latency and errors for both runs, and the ratio after / before.

    .venv/bin/python bench/import_latency.py [--cases 6000]
"""

import argparse
import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from haven.fictional.cases import generate_cases  # noqa: E402


def _haven(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "haven", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"haven {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done


def _run(env: dict[str, str], data: Path, slug: str, cases: int, batch_size: int) -> dict:
    _haven(env, "orgs", "create", slug, "--name", slug)
    path = data / f"{slug}.json"
    path.write_text(json.dumps(generate_cases(cases, seed=11, organisation=slug).document))
    importing = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability.workers",
            "import",
            str(path),
            slug,
            str(batch_size),
            "timed" if batch_size < cases else "untimed",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    latencies: list[float] = []
    errors: list[str] = []
    while importing.poll() is None:
        web = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.workers", "web-latency", "10"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = web.communicate()
        if web.returncode != 0:
            raise SystemExit(err[-2000:])
        measured = json.loads(out.strip().splitlines()[-1])
        latencies += measured["latencies"]
        errors += measured["errors"]
    _out, err = importing.communicate()
    if importing.returncode != 0:
        raise SystemExit(err[-2000:])
    ordered = sorted(latencies) or [0.0]
    return {
        "samples": len(latencies),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "worst": ordered[-1],
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=6000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HAVEN_"))}
        env.update(
            HAVEN_DATA_DIR=str(data),
            HAVEN_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
            DJANGO_SETTINGS_MODULE="haven.config.settings.dev",
            PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        )
        _haven(env, "manage", "migrate", "--no-input", "-v", "0")
        before = _run(env, data, "bench-before", args.cases, batch_size=args.cases)
        after = _run(env, data, "bench-after", args.cases, batch_size=10)
    for name, figures in (("one transaction", before), ("batches of 10", after)):
        print(
            f"{name:16} samples {figures['samples']:5}  p50 {figures['p50']:.3f}s  "
            f"p99 {figures['p99']:.3f}s  worst {figures['worst']:.3f}s  errors {figures['errors']}"
        )
    print(
        f"p99 ratio after/before: {after['p99'] / max(before['p99'], 1e-9):.3f} (goal: well below 1)"
    )


if __name__ == "__main__":
    main()
