"""
kill -9 in the middle of ``haven backup``: nothing half-written is left, nothing is lost.

Runs the real command in a subprocess against a SQLite data folder holding cases and evidence
files, kills it while the encrypted file is being written (seen as the unnamed ``O_TMPFILE`` file
it holds open in the output folder), then checks that the output folder is empty (no ``.part``
file, no truncated backup), that ``haven vault verify`` and ``haven audit verify`` pass, and that
running the backup again completes and restores into a fresh data folder (BAK-01, BAK-02, issue 11).
"""

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyrage import x25519

from tests.cases.factories import canary_facts, canary_identity
from tests.cli.test_backup_restore_journey import check, environment, haven

EVIDENCE_FILES = 3
EVIDENCE_BYTES = 4 * 1024 * 1024


ADD_EVIDENCE = """
import os, django
django.setup()
from haven.accounts.acting import SYSTEM
from haven.organisations.models import Organisation
from haven.cases.models import Case
from haven.cases.services import attachment_add
case = Case.objects.filter(organisation=Organisation.objects.get()).first()
for number in range({count}):
    # Random hex text: a valid plain-text upload that gzip cannot shrink much.
    body = (os.urandom({size} // 2).hex() + "\\n").encode()
    attachment_add(membership=SYSTEM, case=case, name=f"log-{{number}}.txt", data=body)
"""


def writing_into(pid: int, folder: Path) -> bool:
    """True once the process holds a file open in ``folder`` (the unnamed file being written)."""
    try:
        links = [os.readlink(entry) for entry in Path(f"/proc/{pid}/fd").iterdir()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    return any(link.startswith(str(folder) + "/") for link in links)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("mode", ["recipient", "passphrase"])
def test_a_backup_killed_mid_write_leaves_nothing_and_a_rerun_completes(tmp_path, mode):
    """To a recipient (pyrage) and to a passphrase (``age_passphrase``), both streamed."""
    master_key = base64.b64encode(os.urandom(32)).decode()
    source = environment(tmp_path / "source", master_key, None)
    partner = x25519.Identity.generate()
    identity_file = tmp_path / "partner.key"
    if mode == "recipient":
        identity_file.write_text(f"{partner}\n")
        writing = ["--recipient", str(partner.to_public())]
        reading = ["--identity-file", str(identity_file)]
    else:
        identity_file.write_text("fictional reliability passphrase of five words\n")
        writing = reading = ["--passphrase-file", str(identity_file)]
    import_file = tmp_path / "cases.json"
    import_file.write_text(
        json.dumps(
            {
                "schema": "haven.case-import/1",
                "cases": [
                    {"identity": canary_identity(f" {n}"), "facts": canary_facts()}
                    for n in range(20)
                ],
            }
        )
    )
    check(haven(source, "manage", "migrate", "--verbosity", "0"))
    check(haven(source, "orgs", "create", "harbour-light", "--name", "Harbour Light (fictional)"))
    check(haven(source, "cases", "import", str(import_file), "--org", "harbour-light"))
    subprocess.run(
        [sys.executable, "-c", ADD_EVIDENCE.format(count=EVIDENCE_FILES, size=EVIDENCE_BYTES)],
        env=source,
        check=True,
        timeout=300,
    )
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    backup = out_dir / "haven.age"

    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "haven",
            "backup",
            "--out",
            str(backup),
            *writing,
        ],
        env=source,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not writing_into(writer.pid, out_dir):
        assert writer.poll() is None, "the backup finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)

    assert writer.returncode == -signal.SIGKILL
    assert list(out_dir.iterdir()) == []
    assert "vault intact" in check(haven(source, "vault", "verify"))
    assert "intact" in check(haven(source, "audit", "verify"))

    check(haven(source, "backup", "--out", str(backup), *writing))
    assert [path.name for path in out_dir.iterdir()] == ["haven.age"]
    target = environment(tmp_path / "target", master_key, None)
    restored = check(haven(target, "restore", str(backup), *reading))
    assert f"and {EVIDENCE_FILES} files" in restored
    assert "vault intact" in check(haven(target, "vault", "verify"))
    assert "intact" in check(haven(target, "audit", "verify"))
