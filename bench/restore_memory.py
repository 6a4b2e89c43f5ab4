"""
Peak memory of ``haven backup`` and ``haven restore`` for a backup with many large evidence files.

Builds a throw-away installation (file SQLite), opens a fictional case with ``--files``
attachments, makes each stored file ``--megabytes`` of (random, already "encrypted") bytes, backs
it up to an age recipient (or, with ``--passphrase``, to a passphrase) under ``/usr/bin/time -v``,
then restores it into a fresh data folder the same way, and prints the maximum resident set size
of each. With ``--before PATH`` (a checkout of Haven before a change, e.g. ``git archive <commit>
src | tar -x -C /tmp/before``; this interpreter runs it) it also backs up and restores with that
code, and prints each figure after the change as a ratio of the one before. Both restores read
the same file, so they pay the same scrypt work factor (which takes ``2^N x 1 KiB`` of memory
whatever the backup's size: 2^18 is 256 MiB).

    .venv/bin/python bench/restore_memory.py [--files 20] [--megabytes 5] [--passphrase]
        [--before /tmp/before]
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


def _peak(env: dict[str, str], *args: str) -> int:
    """Run ``haven ARGS`` under ``/usr/bin/time -v``; return its peak RSS in KiB."""
    report = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "haven", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if report.returncode != 0:
        raise SystemExit(f"haven {args[0]} failed: {report.stderr[-2000:]}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.stderr)
    assert found, report.stderr
    return int(found.group(1))


def _backup_peak(env: dict[str, str], out: Path, secret: list[str]) -> int:
    return _peak(env, "backup", "--out", str(out), *secret)


def _restore_peak(
    source: Path, folder: Path, master_key: str, backup: Path, secret: list[str]
) -> int:
    data = folder / f"restored-{source.name}"
    data.mkdir()
    return _peak(_env(data, master_key, source), "restore", str(backup), *secret)


def _work_factor(backup: Path) -> str:
    """The scrypt ``log2 N`` in a passphrase file's header ("" for a recipient file)."""
    with backup.open("rb") as head:
        found = re.search(rb"-> scrypt \S+ (\d+)", head.read(200))
    return f", scrypt work factor 2^{found.group(1).decode()}" if found else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a Haven checkout with the previous code")
    parser.add_argument(
        "--passphrase", action="store_true", help="encrypt to a passphrase, not a recipient"
    )
    args = parser.parse_args()
    master_key = base64.b64encode(secrets.token_bytes(32)).decode()
    identity = x25519.Identity.generate()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        key = folder / "backup.key"
        if args.passphrase:
            key.write_text("fictional bench passphrase, four words long\n")
            writing = ["--passphrase-file", str(key)]
            reading = writing
        else:
            key.write_text(str(identity) + "\n")
            writing = ["--recipient", str(identity.to_public())]
            reading = ["--identity-file", str(key)]
        source = folder / "source"
        source.mkdir()
        env = _env(source, master_key, ROOT)
        _run(env, "-m", "haven", "manage", "migrate", "--no-input", "-v", "0")
        _run(env, "-m", "haven", "orgs", "create", "bench", "--name", "Bench")
        _run(env, "-c", SEED, str(args.files), str(args.megabytes))
        mode = "a passphrase" if args.passphrase else "a recipient"
        peaks: dict[str, dict[str, int]] = {"before": {}, "after": {}}
        if args.before:
            peaks["before"]["backup"] = _backup_peak(
                _env(source, master_key, args.before), folder / "before.age", writing
            )
        backup = folder / "backup.age"
        peaks["after"]["backup"] = _backup_peak(env, backup, writing)
        size = backup.stat().st_size / 2**20
        print(
            f"backup to {mode}: {args.files} files of {args.megabytes} MiB, {size:.1f} MiB "
            f"encrypted{_work_factor(backup)}"
        )
        if args.before:
            peaks["before"]["restore"] = _restore_peak(
                args.before, folder, master_key, backup, reading
            )
        peaks["after"]["restore"] = _restore_peak(ROOT, folder, master_key, backup, reading)
        for command in ("backup", "restore"):
            if args.before:
                before = peaks["before"][command]
                print(f"{command} before ({args.before}): peak RSS {before / 1024:.0f} MiB")
            after = peaks["after"][command]
            print(f"{command} after ({ROOT}): peak RSS {after / 1024:.0f} MiB")
            if args.before:
                print(f"ratio {command} after/before: {after / before:.2f}")


if __name__ == "__main__":
    main()
