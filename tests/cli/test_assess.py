"""``haven assess``: JSON and text output, exit 2 with JSON paths on bad input, no Django."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from haven.cli import main
from haven.reference import schema

CASES = Path(__file__).parents[1] / "domain" / "cases"
JOURNALIST = str(CASES / "journalist_foreign_agent.json")
CATALOGUE = str(Path(__file__).parents[2] / "src" / "haven" / "data" / "programmes.json")


def write(tmp_path, content: str, name: str = "facts.json") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_json_output_fits_the_assessment_schema(capsys):
    """The JSON format is a valid haven.assessment/1 document with every programme judged."""
    assert main(["assess", JOURNALIST, "--programmes", CATALOGUE]) == 0

    result = json.loads(capsys.readouterr().out)
    validator = Draft202012Validator(schema("assessment"), format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(result)] == []
    assert len(result["programmes"]) == 22


def test_text_output_is_a_readable_report(capsys):
    """The text format prints headings, the outcome, ranked pathways and programmes."""
    assert main(["assess", JOURNALIST, "--programmes", CATALOGUE, "--format", "text"]) == 0

    report = capsys.readouterr().out
    for heading in (
        "DEFENDER SCREENING",
        "RISK ON RETURN",
        "INTERNATIONAL PROTECTION",
        "PATHWAYS, BEST FIRST",
        "TENSION BETWEEN THE REGIMES",
        "PROGRAMMES",
    ):
        assert heading in report
    assert "Outcome: REFUGEE" in report


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"schema": "haven.case-facts/1", "threats": [{"kind": "hex"}]}',
            "threats[0].kind: unknown value",
        ),
        ('{"schema": "haven.case-facts/1", "assessed_on": "2026-02-30"}', "assessed_on:"),
        (
            '{"schema": "haven.case-facts/1", "assessed_on": "2026-01-01", "threats": [{"kind": "raid", "date": "2026-03-01"}]}',
            "threats[0].date: is after assessed_on",
        ),
        (
            '{"schema": "haven.case-facts/1", "defender": {"stateless": true, "nationalities": ["ZZ"]}}',
            "defender.stateless:",
        ),
        ('{"schema": "haven.case-facts/1",', "(facts file): not valid JSON"),
        (
            '{"schema": "haven.case-facts/1", "defender": {"available_months": NaN}}',
            "(facts file): NaN is not valid JSON",
        ),
        (
            '{"schema": "haven.case-facts/1", "claim": {"feared_harms": [{"kind": "torture", "basis": ["rumour"]}]}}',
            "claim.feared_harms[0].basis[0]: unknown value",
        ),
        (
            '{"schema": "haven.case-facts/1", "claim": {"feared_harms": [{"kind": "torture", "actor": "aliens", "basis": ["own_profile"]}]}}',
            "claim.feared_harms[0].actor: unknown value",
        ),
        (
            '{"schema": "haven.case-facts/1", "relocation": {"status": "in_relocation", "start_date": "2026-09-01", "end_date": "2026-06-01"}}',
            "relocation.start_date: is after relocation.end_date (2026-06-01)",
        ),
    ],
)
def test_invalid_facts_exit_2_naming_the_field(tmp_path, capsys, content, expected):
    """Bad input exits 2, names the field on stderr and prints nothing on stdout."""
    assert main(["assess", write(tmp_path, content)]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err
    assert "Traceback" not in captured.err


def test_missing_file_exits_2(tmp_path, capsys):
    """A missing facts file is a clear error, not a traceback."""
    assert main(["assess", str(tmp_path / "absent.json")]) == 2

    assert "file not found" in capsys.readouterr().err


def test_bad_catalogue_exits_2_with_paths(tmp_path, capsys):
    """A malformed programme catalogue is rejected with the path of each problem."""
    catalogue = write(
        tmp_path,
        '[{"id": "a"}, {"id": "a"}, {"name": "no id", "family_allowed": "yes"}]',
        "catalogue.json",
    )

    assert main(["assess", JOURNALIST, "--programmes", catalogue]) == 2

    err = capsys.readouterr().err
    assert "programmes [1].id: repeats the id a" in err
    assert "programmes [2].id: is required" in err
    assert "programmes [2].family_allowed" in err


def test_command_runs_as_a_real_process_without_django():
    """The installed command runs in its own process and never imports Django."""
    probe = (
        "import sys; from haven.cli import main; code = main(['assess', sys.argv[1]]); "
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(code)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, JOURNALIST], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr

    haven = Path(sys.executable).parent / "haven"
    completed = subprocess.run(
        [str(haven), "assess", JOURNALIST, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0
    assert json.loads(completed.stdout)["protection"]["outcome"] == "refugee"


def test_help_explains_the_command(capsys):
    """`haven assess --help` describes the arguments."""
    with pytest.raises(SystemExit):
        main(["assess", "--help"])

    assert "--programmes" in capsys.readouterr().out
