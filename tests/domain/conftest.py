"""Fixtures for the pure engines: nothing here touches Django or a database."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from haven.reference import schema

CASES_DIR = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def assessment_validator() -> Draft202012Validator:
    return Draft202012Validator(schema("assessment"), format_checker=FormatChecker())


def load_case(name: str) -> dict:
    return json.loads((CASES_DIR / f"{name}.json").read_text(encoding="utf-8"))
