"""
Peak memory of ``haven restore`` for a backup with many large evidence files (issue 11 leftovers).

Builds a throw-away installation (file SQLite), opens a fictional case with ``--files``
attachments, makes each stored file ``--megabytes`` of (random, already "encrypted") bytes, backs
it up to an age recipient, then restores it into a fresh data folder under ``/usr/bin/time -v``
and prints the maximum resident set size. With ``--before PATH`` (a checkout of Haven before the
streamed restore, e.g. ``git archive <commit> src | tar -x -C /tmp/before``; this
interpreter runs it) it also restores with that code, for a figure before and after.

    .venv/bin/python bench/restore_memory.py [--files 20] [--megabytes 5] [--before /tmp/before]
"""

import argparse
import base64
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from pyrage import x25519

ROOT = Path(__file__).resolve().parent.parent

SEED = """
import sys
from haven.cli.django_setup import setup
setup()
from django.conf import settings
from haven.accounts.acting import SYSTEM
from haven.cases.services import attachment_add
from haven.organisations.models import Organisation
from tests.cases.factories import open_canary_case
organisation = Organisation.objects.get(slug="bench")
case = open_canary_case(organisation)
for number in range(int(sys.argv[1])):
    stored = attachment_add(membership=SYSTEM, case=case, name=f"f{number}.txt", data=b"fictional")
    path = settings.MEDIA_ROOT / stored.storage_name
    with path.open("wb") as out:
        for _ in range(int(sys.argv[2])):
            out.write(__import__("os").urandom(1024 * 1024))
"""


def _env(data: Path, master_key: str, source: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HAVEN_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        HAVEN_DATA_DIR=str(data),
        HAVEN_MASTER_KEY=master_key,
        DJANGO_SETTINGS_MODULE="haven.config.settings.dev",
        PYTHONPATH=os.pathsep.join([str(source / "src"), str(source)]),
    )
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed: {done.stderr[-2000:]}")
    return done.stderr


def _restore_peak(source: Path, folder: Path, master_key: str, backup: Path, key: Path) -> int:
    data = folder / f"restored-{source.name}"
    data.mkdir()
    env = _env(data, master_key, source)
    report = subprocess.run(
        [
            "/usr/bin/time",
            "-v",
            sys.executable,
            "-m",
            "haven",
            "restore",
            str(backup),
            "--identity-file",
            str(key),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if report.returncode != 0:
        raise SystemExit(f"restore with {source} failed: {report.stderr[-2000:]}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.stderr)
    assert found, report.stderr
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a Haven checkout with the previous restore")
    args = parser.parse_args()
    master_key = base64.b64encode(secrets.token_bytes(32)).decode()
    identity = x25519.Identity.generate()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        key = folder / "backup.key"
        key.write_text(str(identity) + "\n")
        source = folder / "source"
        source.mkdir()
        env = _env(source, master_key, ROOT)
        _run(env, "-m", "haven", "manage", "migrate", "--no-input", "-v", "0")
        _run(env, "-m", "haven", "orgs", "create", "bench", "--name", "Bench")
        _run(env, "-c", SEED, str(args.files), str(args.megabytes))
        backup = folder / "backup.age"
        _run(
            env,
            "-m",
            "haven",
            "backup",
            "--out",
            str(backup),
            "--recipient",
            str(identity.to_public()),
        )
        size = backup.stat().st_size / 2**20
        print(f"backup: {args.files} files of {args.megabytes} MiB, {size:.1f} MiB encrypted")
        if args.before:
            peak = _restore_peak(args.before, folder, master_key, backup, key)
            print(f"restore before ({args.before}): peak RSS {peak / 1024:.0f} MiB")
        peak = _restore_peak(ROOT, folder, master_key, backup, key)
        print(f"restore after ({ROOT}): peak RSS {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
