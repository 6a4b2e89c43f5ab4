"""
Countries and programmes the fictional cases draw on, consistent with Haven's reference data.

Civic-space ratings and visa lists are read from ``haven/data/countries.json`` (a copy of the
project's reference file: CIVICUS Monitor ratings, EU Regulation 2018/1806 annexes, and a derived
UK visa-national list). A country missing from the partial CIVICUS table gets no ``civic_space``
fact at all, because an absent fact means "not known". The programme facts (host country, stay
length, return rule) come from the programme catalogue; ``None`` there means the catalogue does
not say, so the fact is left out of the case.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class OriginCountry:
    code: str
    languages: tuple[str, ...]
    armed_conflict: bool
    typical_actors: tuple[str, ...]


@dataclass(frozen=True)
class HostProgramme:
    programme_id: str
    host_country: str
    months: int
    requires_return: bool | None
    profiles: frozenset[str]


ORIGINS: tuple[OriginCountry, ...] = (
    OriginCountry("BY", ("be", "ru"), False, ("state_security", "police", "judiciary")),
    OriginCountry("RU", ("ru",), False, ("state_security", "judiciary", "government_official")),
    OriginCountry("NI", ("es",), False, ("police", "ruling_party", "judiciary")),
    OriginCountry("VE", ("es",), False, ("state_security", "military", "judiciary")),
    OriginCountry("AZ", ("az", "ru"), False, ("state_security", "police", "judiciary")),
    OriginCountry("MM", ("my", "en"), True, ("military", "armed_group", "state_security")),
    OriginCountry("PH", ("tl", "en"), False, ("police", "military", "paramilitary")),
    OriginCountry("KE", ("sw", "en"), False, ("police", "company", "government_official")),
    OriginCountry("GE", ("ka", "ru"), False, ("police", "ruling_party", "unknown")),
    OriginCountry("SV", ("es",), False, ("police", "military", "government_official")),
    OriginCountry("BD", ("bn", "en"), False, ("state_security", "political_party", "police")),
    OriginCountry("KH", ("km", "en"), False, ("police", "company", "judiciary")),
    OriginCountry("CO", ("es",), True, ("paramilitary", "armed_group", "company")),
    OriginCountry("MX", ("es",), False, ("organised_crime", "company", "police")),
    OriginCountry("GT", ("es",), False, ("company", "private_security", "judiciary")),
)

PROGRAMMES: tuple[HostProgramme, ...] = (
    HostProgramme(
        "shelter_city_nl",
        "NL",
        3,
        True,
        frozenset(
            {"any_hrd", "journalist", "lawyer", "woman_hrd", "environmental", "indigenous", "lgbti"}
        ),
    ),
    HostProgramme(
        "protectdefenders_eu_tr",
        "ES",
        12,
        True,
        frozenset({"any_hrd", "woman_hrd", "journalist", "environmental"}),
    ),
    HostProgramme(
        "elisabeth_selbert_initiative",
        "DE",
        6,
        None,
        frozenset({"any_hrd", "land", "indigenous", "woman_hrd", "lgbti", "journalist"}),
    ),
    HostProgramme("martin_roth_initiative_de", "DE", 12, False, frozenset({"artist"})),
    HostProgramme("york_cahr_protective_fellowship", "GB", 6, True, frozenset({"any_hrd"})),
    HostProgramme(
        "basque_protection_programme",
        "ES",
        6,
        True,
        frozenset({"any_hrd", "indigenous", "journalist", "woman_hrd"}),
    ),
    HostProgramme("catalan_protection_programme", "ES", 6, True, frozenset({"any_hrd"})),
)

_SCHENGEN_HOSTS = frozenset({"NL", "ES", "DE"})


@cache
def reference_countries() -> dict[str, Any]:
    """Return Haven's copy of the country reference data."""
    text = resources.files("haven").joinpath("data/countries.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def civic_space(country: str) -> str | None:
    """Return the CIVICUS rating of ``country``, or ``None`` when the partial table lacks it."""
    ratings: dict[str, str] = reference_countries()["civicus"]["ratings"]
    return ratings.get(country)


def visa_for(nationality: str, programme: HostProgramme) -> str:
    """Return the visa a national of ``nationality`` needs for the programme's stay."""
    data = reference_countries()
    if programme.host_country in _SCHENGEN_HOSTS:
        exempt = nationality in data["schengen_visa_exempt"]["countries"]
        if exempt and programme.months <= 3:
            return "visa_free"
        return "short_stay" if programme.months <= 3 else "long_stay"
    if programme.host_country == "GB":
        required = nationality in data["uk_visa_nationals"]["countries"]
        return "short_stay" if required or programme.months > 6 else "visa_free"
    return "short_stay"
