"""
Reference data shipped inside the package: the JSON Schemas of the CLI interfaces, the seed
programme catalogue, the CIVICUS civic-space ratings and the host states' asylum rules.

The pure engines in ``haven.domain`` never read files; the CLI and the Django services load
reference data here and pass it in. Files are read through importlib.resources so the installed
command finds them wherever the package lives.
"""

import json
from functools import cache
from importlib import resources
from typing import Any

from haven.domain.host_states import HostStateCatalogue, parse_catalogue
from haven.domain.risk import CivicSpaceRatings


def _read_json(relative_path: str) -> Any:
    return json.loads(resources.files("haven").joinpath(relative_path).read_text("utf-8"))


@cache
def schema(name: str) -> dict[str, Any]:
    """A packaged JSON Schema by file stem, e.g. ``assessment`` or ``case-facts``."""
    loaded: dict[str, Any] = _read_json(f"spec/{name}.schema.json")
    return loaded


def seed_programmes() -> list[dict[str, Any]]:
    """The seed programme catalogue: the protection programmes Haven knows at first start-up."""
    loaded: list[dict[str, Any]] = _read_json("data/programmes.json")
    return loaded


@cache
def civicus_ratings() -> CivicSpaceRatings:
    """CIVICUS Monitor ratings (partial: 71 countries), used when the facts leave civic space out."""
    data = _read_json("data/civicus.json")
    return CivicSpaceRatings(ratings=data["ratings"], source=f"CIVICUS Monitor {data['year']}")


@cache
def host_state_catalogue() -> HostStateCatalogue:
    """Where and how a claim is made in each host state, and its time limits (versioned)."""
    return parse_catalogue(_read_json("data/host_states.json"))
