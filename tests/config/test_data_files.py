"""The data folder and everything Haven creates in it are private to the service account."""

import os
import stat
import subprocess
import sys


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_embedded_database_and_data_folder_are_created_private(tmp_path):
    """CRY-04, UPL-05: under a 022 umask the folder is 0700 and the SQLite file and its WAL 0600."""
    data_dir = tmp_path / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HAVEN_", "DATABASE_URL"))
    }
    env.update(DJANGO_SETTINGS_MODULE="haven.config.settings.dev", HAVEN_DATA_DIR=str(data_dir))
    script = (
        "import os; os.umask(0o022); import django; django.setup();"
        "from django.db import connection; connection.cursor().execute('CREATE TABLE t (x int)')"
    )

    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)

    assert mode(data_dir) == 0o700
    assert mode(data_dir / "haven.sqlite3") == 0o600
    for companion in data_dir.glob("haven.sqlite3-*"):
        assert mode(companion) == 0o600, companion.name


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    """A database left 0644 by an older version is made 0600 at the next start."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    database = data_dir / "haven.sqlite3"
    database.touch()
    os.chmod(database, 0o644)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HAVEN_", "DATABASE_URL"))
    }
    env.update(DJANGO_SETTINGS_MODULE="haven.config.settings.dev", HAVEN_DATA_DIR=str(data_dir))

    subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, check=True, timeout=60
    )

    assert mode(data_dir) == 0o700
    assert mode(database) == 0o600
