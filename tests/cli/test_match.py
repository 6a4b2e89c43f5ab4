"""``haven match``: a result on stdout, or exit 2 with each error's JSON path and nothing on stdout."""

import json
import subprocess
import sys
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from haven.cli import main
from haven.cli.match import _problem_schema

SCHEMA = json.loads(resources.files("haven").joinpath("spec/matching.schema.json").read_text())


def problem(**overrides):
    document = {
        "schema": "haven.matching-problem/1",
        "resources": ["places"],
        "placements": [{"id": "harbour-city", "capacity": {"places": 1}}],
        "applicants": [
            {
                "id": "ayla",
                "tier": 2,
                "demand": {"places": 1},
                "options": [{"placement": "harbour-city", "score": 700}],
            },
            {
                "id": "bruno",
                "tier": 1,
                "demand": {"places": 1},
                "options": [{"placement": "harbour-city", "score": 900}],
            },
        ],
    }
    document.update(overrides)
    return document


def run(tmp_path, capsys, document):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(document))
    code = main(["match", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_result_conforms_to_the_schema(tmp_path, capsys):
    """A valid problem prints a schema-valid, proven result placing the more urgent applicant."""
    code, out, _ = run(tmp_path, capsys, problem())
    result = json.loads(out)
    validator = Draft202012Validator({**SCHEMA["$defs"]["result"], "$defs": SCHEMA["$defs"]})

    assert code == 0
    assert list(validator.iter_errors(result)) == []
    assert result["status"] == "optimal"
    assert result["assignments"] == [
        {"applicant": "ayla", "placement": "harbour-city", "score": 700}
    ]
    assert result["unplaced"][0]["reasons"] == [
        "harbour-city is full with applicants of higher tiers"
    ]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            problem(placements=[{"id": "harbour-city", "capacity": {"places": -1}}]),
            "$.placements[0].capacity.places",
        ),
        (problem(applicants=[]), "$.applicants: the problem has no applicants"),
        (problem(schema="something-else"), "$.schema"),
        (
            problem(placements=[{"id": "harbour-city", "capacity": {"places": 1}}] * 2),
            "$.placements[1].id: duplicate id 'harbour-city'",
        ),
    ],
)
def test_invalid_problem_exits_2_with_paths(tmp_path, capsys, document, expected):
    """Negative capacity, an empty problem, a wrong schema tag and duplicate ids exit 2 naming the path, stdout empty."""
    code, out, err = run(tmp_path, capsys, document)

    assert code == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err


def test_every_schema_error_is_listed(tmp_path, capsys):
    """Two schema errors give two lines, one per JSON path."""
    document = problem()
    document["applicants"][0]["tier"] = 0
    document["applicants"][1]["options"][0]["score"] = 5000
    code, _, err = run(tmp_path, capsys, document)

    assert code == 2
    assert "$.applicants[0].tier" in err
    assert "$.applicants[1].options[0].score" in err


def test_unreadable_and_malformed_files_exit_2(tmp_path, capsys):
    """A missing file or broken JSON is a clear message and exit 2."""
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")

    assert main(["match", str(tmp_path / "missing.json")]) == 2
    assert main(["match", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_real_process_runs_without_django(tmp_path):
    """The installed command runs as its own process, prints JSON and never imports Django."""
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem()))
    code = (
        "import runpy, sys; sys.argv = ['haven', 'match', sys.argv[1]];"
        "\ntry:\n    runpy.run_module('haven', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert 'django' not in sys.modules, 'django imported'\n    raise"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["status"] == "optimal"


def test_schema_copy_matches_the_problem_definition():
    """The packaged schema's problem definition is the one validation uses."""
    assert SCHEMA["$defs"]["problem"]["properties"] == _problem_schema()["properties"]
