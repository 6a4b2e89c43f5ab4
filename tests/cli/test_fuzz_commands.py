"""
Fuzzing the commands that read operator-supplied files (issue 11, item 9).

``haven assess``, ``haven match``, ``haven cases import`` and ``haven restore`` must answer any
input with exit 0 or 2 and a message, never a traceback. Each example takes a valid document,
replaces one value somewhere in it with something hostile (the cases the review found: nesting
depth, ``1e308`` as a tier, ``10**30`` as a capacity, a lone surrogate, a wrongly typed value) or
sends arbitrary bytes. Bounded: a few dozen examples per command, no deadline.
"""

import gzip
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrage import x25519

from haven.cli import main
from haven.vault import archives
from haven.vault.backup import snapshot
from tests.cases.factories import canary_facts, canary_identity, open_canary_case
from tests.cli.test_match import problem
from tests.vault.records import wipe_database

FACTS = json.loads(
    (Path(__file__).parents[1] / "domain" / "cases" / "journalist_foreign_agent.json").read_text()
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


def nested(depth: int) -> object:
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = st.one_of(
    st.sampled_from([1e308, -1e308, 10**30, -(10**30), "\ud800", "x\udfff", 2**63, 0.5, -1]),
    st.builds(nested, st.integers(min_value=60, max_value=3000)),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def paths_in(document: object) -> list[tuple[object, ...]]:
    """Every path to a value inside the document (dictionary keys and list indexes)."""
    found: list[tuple[object, ...]] = [()]
    stack: list[tuple[tuple[object, ...], object]] = [((), document)]
    while stack:
        path, value = stack.pop()
        children = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else []
        )
        for key, child in children:
            found.append((*path, key))
            stack.append(((*path, key), child))
    return found


def replaced(document: object, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copy


@st.composite
def mutated(draw, document):
    path = draw(st.sampled_from(paths_in(document)))
    return replaced(document, path, draw(HOSTILE))


def input_bytes(base):
    return st.one_of(
        mutated(base).map(lambda doc: json.dumps(doc).encode()),
        st.binary(max_size=200),
        st.just(b"[" * 5_000),
        st.just(b'{"schema": 1e400}'),
    )


def run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def check_answer(code: int, err: str) -> None:
    assert code in (0, 2), err
    if code == 2:
        assert err.strip(), "exit 2 without a message"
        assert "Traceback" not in err


@FUZZ
@given(data=input_bytes(FACTS))
def test_assess_answers_any_input(data, capsys):
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(data)
        handle.flush()
        check_answer(*run(["assess", handle.name], capsys))


@FUZZ
@given(data=input_bytes(problem()))
def test_match_answers_any_input(data, capsys):
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(data)
        handle.flush()
        check_answer(*run(["match", handle.name, "--time-limit", "2"], capsys))


IMPORT = {
    "schema": "haven.case-import/1",
    "cases": [{"identity": canary_identity(), "facts": canary_facts(), "notes": ["A note."]}],
}


@pytest.mark.django_db(transaction=False)
@FUZZ
@given(data=input_bytes(IMPORT))
def test_cases_import_answers_any_input(organisation, data, capsys):
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(data)
        handle.flush()
        check_answer(*run(["cases", "import", handle.name, "--org", organisation.slug], capsys))


@pytest.fixture
def backup_document(organisation):
    open_canary_case(organisation)
    return json.loads(gzip.decompress(snapshot()))


@FUZZ
@given(data=st.data())
def test_restore_answers_any_well_encrypted_input(backup_document, data, capsys, tmp_path):
    """A backup that decrypts fine but holds a hostile value is refused with a message."""
    identity = x25519.Identity.generate()
    identity_file = tmp_path / "identity.key"
    identity_file.write_text(f"{identity}\n")
    table = data.draw(st.sampled_from(sorted(backup_document["tables"])))
    rows = backup_document["tables"][table]["rows"]
    document = backup_document
    if rows:
        row = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
        column = data.draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
        document = replaced(
            backup_document, ("tables", table, "rows", row, column), data.draw(HOSTILE)
        )
    backup = tmp_path / "backup.age"
    plain = gzip.compress(json.dumps(document).encode())
    backup.write_bytes(archives.encrypt(plain, recipients=[identity.to_public()]))
    wipe_database()

    check_answer(*run(["restore", str(backup), "--identity-file", str(identity_file)], capsys))
