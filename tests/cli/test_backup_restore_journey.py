"""
The operator's journey across two fresh databases, through the real ``haven`` command.

Import cases into one database, back it up, restore into a second, empty one, verify the audit
chain and export: every decrypted field matches the import. Along the way, canary strings must
not appear in the database file (SQLite) or in a ``pg_dump`` (PostgreSQL), in the backup or in the
export. Runs on SQLite always and on PostgreSQL when ``DATABASE_URL`` points at one.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pyrage import x25519

from haven.vault import archives
from tests.cases.factories import (
    CANARIES,
    CANARY_NOTE,
    CANARY_REFERENCE,
    canary_facts,
    canary_identity,
)

POSTGRES_URL = os.environ.get("DATABASE_URL", "")


def haven(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "haven", *args], env=env, capture_output=True, text=True, timeout=120
    )


def check(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def environment(data_dir: Path, master_key: str, database_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HAVEN_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="haven.config.settings.dev",
        HAVEN_DATA_DIR=str(data_dir),
        HAVEN_MASTER_KEY=master_key,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def postgres_databases(count: int):
    import psycopg

    base = POSTGRES_URL.rsplit("/", 1)[0]
    names = [f"hv_journey_{uuid.uuid4().hex[:10]}_{index}" for index in range(count)]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    return [f"{base}/{name}" for name in names], names


def drop_postgres_databases(names):
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = ["sqlite"]
if POSTGRES_URL.startswith("postgres"):
    BACKENDS.append("postgresql")


@pytest.mark.parametrize("backend", BACKENDS)
def test_import_backup_restore_export_journey(tmp_path, backend):
    """Every field survives import, backup, restore into an empty database and export; no canary leaks."""
    master_key = base64.b64encode(os.urandom(32)).decode()
    partner = x25519.Identity.generate()
    identity_file = tmp_path / "partner.key"
    identity_file.write_text(f"{partner}\n")
    urls: list[str | None] = [None, None]
    names: list[str] = []
    if backend == "postgresql":
        urls, names = postgres_databases(2)  # type: ignore[assignment]
    try:
        source = environment(tmp_path / "source", master_key, urls[0])
        target = environment(tmp_path / "target", master_key, urls[1])
        document = {
            "schema": "haven.case-import/1",
            "cases": [
                {
                    "identity": canary_identity(suffix),
                    "facts": canary_facts(),
                    "external_reference": CANARY_REFERENCE + suffix,
                    "notes": [CANARY_NOTE + suffix, "second note" + suffix],
                }
                for suffix in (" A", " B", " C")
            ],
        }
        import_file = tmp_path / "cases.json"
        import_file.write_text(json.dumps(document))

        check(haven(source, "manage", "migrate", "--verbosity", "0"))
        check(
            haven(source, "orgs", "create", "harbour-light", "--name", "Harbour Light (fictional)")
        )
        check(haven(source, "cases", "import", str(import_file), "--org", "harbour-light"))
        backup = tmp_path / "backup.age"
        check(
            haven(source, "backup", "--out", str(backup), "--recipient", str(partner.to_public()))
        )

        if backend == "sqlite":
            stored = b"".join(
                path.read_bytes() for path in (tmp_path / "source").glob("haven.sqlite3*")
            )
        else:
            pg_dump = shutil.which("pg_dump")
            if pg_dump is None:
                pytest.skip("pg_dump is not installed")
            stored = subprocess.run([pg_dump, urls[0]], capture_output=True, check=True).stdout
        assert b"harbour-light" in stored  # the dump really holds the database
        for canary in CANARIES:
            assert canary.encode() not in stored
            assert canary.encode() not in backup.read_bytes()
        assert master_key.encode() not in stored
        assert base64.b64decode(master_key) not in stored

        check(haven(target, "restore", str(backup), "--identity-file", str(identity_file)))
        assert "intact" in check(haven(target, "audit", "verify"))
        export = tmp_path / "export.age"
        check(
            haven(
                target,
                "cases",
                "export",
                "--org",
                "harbour-light",
                "--out",
                str(export),
                "--recipient",
                str(partner.to_public()),
            )
        )

        for canary in CANARIES:
            assert canary.encode() not in export.read_bytes()
        exported = json.loads(
            archives.decrypt(export.read_bytes(), name="export", identities=[partner])
        )
        without_codes = [
            {key: value for key, value in item.items() if key != "code"}
            for item in exported["cases"]
        ]
        assert sorted(without_codes, key=json.dumps) == sorted(document["cases"], key=json.dumps)

        second_restore = haven(
            target, "restore", str(backup), "--identity-file", str(identity_file)
        )
        assert second_restore.returncode == 2
        assert "not empty" in second_restore.stderr
    finally:
        if names:
            drop_postgres_databases(names)
