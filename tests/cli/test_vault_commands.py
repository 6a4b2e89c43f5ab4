"""The keys, cases, backup and restore commands: clear errors, exit 2 and nothing written on bad input."""

import json

import pytest
from pyrage import x25519

from haven.cases.models import Case
from haven.cli import main
from haven.vault import archives
from tests.cases.factories import CANARY_NAME, canary_facts, canary_identity


@pytest.fixture
def identity(tmp_path):
    key = x25519.Identity.generate()
    path = tmp_path / "partner.key"
    path.write_text(f"# fictional partner\n{key}\n")
    return key, path


@pytest.fixture
def import_file(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps(
            {
                "schema": "haven.case-import/1",
                "cases": [{"identity": canary_identity(), "facts": canary_facts()}],
            }
        )
    )
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["keys", "rotate-master"],
        ["keys", "rotate-org"],
        ["keys", "init-master"],
        ["keys", "destroy-retired"],
        ["cases", "import"],
        ["cases", "export"],
        ["backup"],
        ["restore"],
    ],
)
def test_help_exists(argv, capsys):
    """Every vault command explains itself with --help."""
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])

    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_import_then_export_through_the_commands(
    organisation, import_file, identity, tmp_path, capsys
):
    """cases import creates the case; cases export writes an age file the partner opens."""
    key, _path = identity
    out = tmp_path / "export.age"

    assert main(["cases", "import", str(import_file), "--org", organisation.slug]) == 0
    assert (
        main(
            [
                "cases",
                "export",
                "--org",
                organisation.slug,
                "--out",
                str(out),
                "--recipient",
                str(key.to_public()),
            ]
        )
        == 0
    )

    artifact = out.read_bytes()
    assert artifact.startswith(b"age-encryption.org/v1")
    assert CANARY_NAME.encode() not in artifact
    opened = json.loads(archives.decrypt(artifact, name="export", identities=[key]))
    assert opened["cases"][0]["identity"]["legal_name"] == CANARY_NAME


def test_invalid_import_prints_paths_and_exits_2(organisation, tmp_path, capsys):
    """An invalid file exits 2, names each error's JSON path, and imports nothing."""
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"schema": "haven.case-import/1", "cases": [{"identity": {}, "facts": {}}]})
    )

    assert main(["cases", "import", str(path), "--org", organisation.slug]) == 2
    err = capsys.readouterr().err
    assert "$.cases[0].identity" in err
    assert "$.cases[0].facts" in err
    assert "Traceback" not in err
    assert Case.objects.count() == 0


def test_not_json_import_exits_2(organisation, tmp_path, capsys):
    """A file that is not JSON is refused with its path."""
    path = tmp_path / "bad.json"
    path.write_text("{ not json")

    assert main(["cases", "import", str(path), "--org", organisation.slug]) == 2
    assert "$: not valid JSON" in capsys.readouterr().err


def test_encrypted_import_with_wrong_passphrase_exits_2(
    organisation, import_file, tmp_path, capsys
):
    """A wrong passphrase is named as the problem; nothing is imported."""
    encrypted = tmp_path / "cases.age"
    encrypted.write_bytes(
        archives.encrypt(import_file.read_bytes(), passphrase="right horse battery")
    )
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("wrong horse battery\n")

    assert (
        main(
            [
                "cases",
                "import",
                str(encrypted),
                "--org",
                organisation.slug,
                "--passphrase-file",
                str(wrong),
            ]
        )
        == 2
    )
    assert "passphrase or identity is wrong" in capsys.readouterr().err
    assert Case.objects.count() == 0


def test_unknown_organisation_exits_2(db, import_file, capsys):
    """An unknown slug is named; nothing happens."""
    assert main(["cases", "import", str(import_file), "--org", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_export_with_bad_recipient_writes_nothing(organisation, tmp_path, capsys):
    """A malformed recipient key is refused and no file is written."""
    out = tmp_path / "export.age"

    assert (
        main(
            [
                "cases",
                "export",
                "--org",
                organisation.slug,
                "--out",
                str(out),
                "--recipient",
                "age1nope",
            ]
        )
        == 2
    )
    assert "recipient" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_backup_then_restore_over_data_is_refused(
    organisation, import_file, identity, tmp_path, capsys
):
    """A backup is an age file; restoring it into a database with data exits 2 and writes nothing."""
    key, key_path = identity
    main(["cases", "import", str(import_file), "--org", organisation.slug])
    out = tmp_path / "backup.age"

    assert main(["backup", "--out", str(out), "--recipient", str(key.to_public())]) == 0
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
    assert main(["restore", str(out), "--identity-file", str(key_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert Case.objects.count() == 1


@pytest.mark.parametrize("damage", ["truncate", "flip", "wrong-identity"])
def test_restore_of_a_damaged_or_foreign_backup_exits_2(db, identity, tmp_path, capsys, damage):
    """A truncated or tampered backup, or one for another identity, exits 2 with a clear message."""
    key, key_path = identity
    out = tmp_path / "backup.age"
    main(["backup", "--out", str(out), "--recipient", str(key.to_public())])
    data = out.read_bytes()
    if damage == "truncate":
        out.write_bytes(data[: len(data) - 40])
    elif damage == "flip":
        out.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    else:
        key_path.write_text(f"{x25519.Identity.generate()}\n")

    assert main(["restore", str(out), "--identity-file", str(key_path)]) == 2
    assert "could not be decrypted" in capsys.readouterr().err


def test_rotate_org_through_the_command(organisation, import_file, capsys):
    """keys rotate-org re-wraps the organisation's data keys and the case still reads."""
    main(["cases", "import", str(import_file), "--org", organisation.slug])

    assert main(["keys", "rotate-org", organisation.slug]) == 0
    assert "re-wrapped 2 data keys" in capsys.readouterr().out
    assert Case.objects.get().facts == canary_facts()


def test_rotate_org_unknown_slug_exits_2(db, capsys):
    """An unknown organisation is named and nothing changes."""
    assert main(["keys", "rotate-org", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_init_master_writes_a_private_key_and_never_overwrites(db, tmp_path, capsys):
    """keys init-master writes a 0600 key file and refuses to replace it."""
    path = tmp_path / "master.key"

    assert main(["keys", "init-master", "--out", str(path)]) == 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    before = path.read_text()
    assert main(["keys", "init-master", "--out", str(path)]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert path.read_text() == before
