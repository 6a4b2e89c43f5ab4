"""The layers table in docs/developing.md is the import-linter contract, row for row."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contract_layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [
        {name.strip().removeprefix("haven.") for name in layer.split("|")}
        for layer in contract["layers"]
    ]


def _documented_layers() -> list[set[str]]:
    text = (ROOT / "docs" / "developing.md").read_text(encoding="utf-8")
    section = text.split("## 0. Layers", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [set(re.findall(r"`([a-z_]+)`", row.split("|")[2])) for row in rows]


def test_the_documented_layers_are_the_contracts_in_its_order():
    assert _documented_layers() == _contract_layers()
