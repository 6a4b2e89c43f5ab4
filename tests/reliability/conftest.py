"""
A real Haven installation per test, driven through the ``haven`` command in child processes.

Each test gets its own data folder, master key and database: a file SQLite database by default,
or, when the suite runs on PostgreSQL (``DATABASE_URL`` set), a fresh database beside the test
one, dropped afterwards. Children can then be killed with SIGKILL mid-write, as a crash would.
"""

import base64
import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from haven.fictional.cases import generate_cases

ROOT = Path(__file__).resolve().parents[2]
ORG = "rel-org"


@dataclass
class Installation:
    data_dir: Path
    env: dict[str, str]

    def haven(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "haven", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "haven", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def worker(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.workers", *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def result(process: subprocess.Popen[str], timeout: float = 300) -> dict[str, Any]:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err[-3000:]
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def import_file(self, count: int, seed: int = 7) -> Path:
        path = self.data_dir / f"import-{count}-{seed}.json"
        document = generate_cases(count, seed=seed, organisation=ORG).document
        path.write_text(json.dumps(document), encoding="utf-8")
        return path


def _postgres_database(base_url: str) -> Iterator[str]:
    name = f"haven_rel_{uuid.uuid4().hex[:12]}"
    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HAVEN_", "DATABASE_URL"))
    }
    env.update(
        HAVEN_DATA_DIR=str(tmp_path),
        HAVEN_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        DJANGO_SETTINGS_MODULE="haven.config.settings.dev",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    postgres_url = os.environ.get("DATABASE_URL")
    databases = _postgres_database(postgres_url) if postgres_url else iter([""])
    database_url = next(databases)
    if database_url:
        env["DATABASE_URL"] = database_url
    setup = Installation(tmp_path, env)
    for command in (("manage", "migrate", "--no-input", "-v", "0"), ("orgs", "create", ORG)):
        args = command if command[0] == "manage" else (*command, "--name", "Reliability")
        done = setup.haven(*args)
        assert done.returncode == 0, done.stderr
    yield setup
    for _ in databases:  # drops the PostgreSQL database
        pass
