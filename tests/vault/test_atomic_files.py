"""
Files written by ``archives`` (backups, exports) get their name only once complete, and what a
killed writer can leave behind is removed by the next write into the folder, never the file of a
write still under way (BAK-01).

The kills are real: a child process writes and sends itself SIGKILL at the chosen moment.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from haven.vault import archives

pytestmark = pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="needs Linux O_TMPFILE")

# Runs ``archives.write_atomically(PATH, b"new")`` and dies by SIGKILL right after the complete
# file got its first name (the first successful os.link), before any rename.
KILLED_AFTER_FIRST_NAME = """
import os, signal, sys
from pathlib import Path
from haven.vault import archives

real_link = os.link

def link_then_die(*args, **kwargs):
    real_link(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

os.link = link_then_die
archives.write_atomically(Path(sys.argv[1]), b"new")
"""

# Writes half a file with ``archives._atomic_file`` and dies by SIGKILL mid-write; "named" takes
# the path systems without O_TMPFILE take (a named .part file from the start).
KILLED_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from haven.vault import archives

if sys.argv[2] == "named":
    del os.O_TMPFILE
with archives._atomic_file(Path(sys.argv[1])) as handle:
    handle.write(b"half of it")
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""

# Without O_TMPFILE, dies by SIGKILL once the named ``.part`` file exists and before a byte is
# written (as while a passphrase's scrypt runs, before the age header).
KILLED_BEFORE_FIRST_WRITE = """
import os, signal, sys
from pathlib import Path
from haven.vault import archives

del os.O_TMPFILE
with archives._atomic_file(Path(sys.argv[1])) as handle:
    os.kill(os.getpid(), signal.SIGKILL)
"""


def killed(script: str, *args: str) -> None:
    child = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, timeout=60, check=False
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_new_file_is_whole_from_its_first_name(tmp_path):
    """A new file is linked straight to its name: killed right after, it is there and whole."""
    out = tmp_path / "backup.age"

    killed(KILLED_AFTER_FIRST_NAME, str(out))

    assert names(tmp_path) == ["backup.age"]
    assert out.read_bytes() == b"new"
    assert os.stat(out).st_mode & 0o777 == 0o600


def test_a_replacement_killed_before_its_rename_is_cleared_by_the_next_write(tmp_path):
    """
    Replacing a file needs a temporary name: killed between link and rename, the old file is
    intact and the complete new one waits as ``.haven-*.part``; the next write removes it.
    """
    out = tmp_path / "backup.age"
    out.write_bytes(b"old")

    killed(KILLED_AFTER_FIRST_NAME, str(out))

    leftovers = [name for name in names(tmp_path) if name != "backup.age"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".haven-"), names(tmp_path)
    assert leftovers[0].endswith(".part")
    assert out.read_bytes() == b"old"

    archives.write_atomically(tmp_path / "export.age", b"next")

    assert names(tmp_path) == ["backup.age", "export.age"]


@pytest.mark.parametrize("mode", ["unnamed", "named"])
def test_a_write_killed_midway_leaves_nothing_once_the_next_write_ran(tmp_path, mode):
    """
    With O_TMPFILE the half-written file never had a name; without it (other systems) the named
    ``.part`` file stays until the next write into the folder removes it.
    """
    out = tmp_path / "backup.age"

    killed(KILLED_MID_WRITE, str(out), mode)

    assert len(names(tmp_path)) == (1 if mode == "named" else 0), names(tmp_path)

    archives.write_atomically(out, b"whole")

    assert names(tmp_path) == ["backup.age"]
    assert out.read_bytes() == b"whole"


@pytest.mark.parametrize("mode", ["unnamed", "named"])
def test_the_clean_up_keeps_the_file_of_a_write_under_way(tmp_path, monkeypatch, mode):
    """
    A write into the same folder while another waits to rename its temporary file (a second
    backup or export running beside it) leaves that file alone: its writer holds it locked.
    """
    if mode == "named":
        monkeypatch.delattr(os, "O_TMPFILE")
    out = tmp_path / "backup.age"
    out.write_bytes(b"old")
    real_replace = os.replace
    waiting = []

    def another_write_first(source: str | Path, target: str | Path) -> None:
        if Path(target) == out:
            waiting.append(Path(source).name)
            archives.write_atomically(tmp_path / "export.age", b"beside")
            assert Path(source).exists(), "the clean-up removed a file being written"
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", another_write_first)

    archives.write_atomically(out, b"new")

    assert waiting and waiting[0].startswith(".haven-")
    assert names(tmp_path) == ["backup.age", "export.age"]
    assert out.read_bytes() == b"new"
    assert (tmp_path / "export.age").read_bytes() == b"beside"


def parts(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{archives.TEMPORARY_PREFIX}*{archives.TEMPORARY_SUFFIX}"))


def test_an_empty_part_left_by_a_kill_is_cleared_once_no_writer_can_be_about_to_lock_it(tmp_path):
    """
    Without O_TMPFILE the ``.part`` file has its name before its writer locks it: killed before
    its first byte, it is left empty and unlocked. A later write removes it once it is older than
    any writer takes between creating and locking its file; a fresh one may be that writer's.
    """
    out = tmp_path / "backup.age"

    killed(KILLED_BEFORE_FIRST_WRITE, str(out))

    (leftover,) = parts(tmp_path)
    assert leftover.stat().st_size == 0
    archives.write_atomically(tmp_path / "export.age", b"next")
    assert leftover.exists(), "a fresh empty .part may be a writer's, about to be locked"

    long_ago = leftover.stat().st_mtime - archives.EMPTY_PART_GRACE_SECONDS - 1
    os.utime(leftover, (long_ago, long_ago))
    archives.write_atomically(out, b"whole")

    assert names(tmp_path) == ["backup.age", "export.age"]
    assert out.read_bytes() == b"whole"
