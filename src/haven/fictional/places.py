"""
Countries and programmes the fictional cases draw on, consistent with Haven's reference data.

Civic space comes from the packaged CIVICUS ratings and programme facts from the seed catalogue,
both through ``haven.reference``. A country missing from the partial CIVICUS table gets no
``civic_space`` fact, because an absent fact means "not known"; a programme whose return rule
the catalogue leaves open gets no ``programme_requires_return``.

Visa needs are carried per origin country from the shared country reference: the Schengen
visa-exempt list (Regulation (EU) 2018/1806, Annex II, as listed by the Italian foreign ministry)
and the derived UK visa-national list (passportindex snapshot of 2026-02-17).
"""

from dataclasses import dataclass
from functools import cache

from haven.reference import civicus_ratings, seed_programmes


@dataclass(frozen=True)
class OriginCountry:
    code: str
    languages: tuple[str, ...]
    armed_conflict: bool
    typical_actors: tuple[str, ...]
    schengen_visa_free: bool
    uk_visa_free: bool


@dataclass(frozen=True)
class HostProgramme:
    programme_id: str
    host_country: str
    months: int
    requires_return: bool | None
    profiles: frozenset[str]


ORIGINS: tuple[OriginCountry, ...] = (
    OriginCountry(
        "BY", ("be", "ru"), False, ("state_security", "police", "judiciary"), False, False
    ),
    OriginCountry(
        "RU", ("ru",), False, ("state_security", "judiciary", "government_official"), False, False
    ),
    OriginCountry("NI", ("es",), False, ("police", "ruling_party", "judiciary"), True, True),
    OriginCountry("VE", ("es",), False, ("state_security", "military", "judiciary"), True, False),
    OriginCountry(
        "AZ", ("az", "ru"), False, ("state_security", "police", "judiciary"), False, False
    ),
    OriginCountry(
        "MM", ("my", "en"), True, ("military", "armed_group", "state_security"), False, False
    ),
    OriginCountry("PH", ("tl", "en"), False, ("police", "military", "paramilitary"), False, False),
    OriginCountry(
        "KE", ("sw", "en"), False, ("police", "company", "government_official"), False, False
    ),
    OriginCountry("GE", ("ka", "ru"), False, ("police", "ruling_party", "unknown"), True, False),
    OriginCountry("SV", ("es",), False, ("police", "military", "government_official"), True, False),
    OriginCountry(
        "BD", ("bn", "en"), False, ("state_security", "political_party", "police"), False, False
    ),
    OriginCountry("KH", ("km", "en"), False, ("police", "company", "judiciary"), False, False),
    OriginCountry("CO", ("es",), True, ("paramilitary", "armed_group", "company"), True, False),
    OriginCountry("MX", ("es",), False, ("organised_crime", "company", "police"), True, True),
    OriginCountry("GT", ("es",), False, ("company", "private_security", "judiciary"), True, True),
)

# Programmes with one host country, so the host of a fictional stay is never a guess.
PROGRAMME_IDS = (
    "shelter_city_nl",
    "elisabeth_selbert_initiative",
    "martin_roth_initiative_de",
    "york_cahr_protective_fellowship",
    "basque_protection_programme",
    "catalan_protection_programme",
)
_DEFAULT_MONTHS = 6
_SCHENGEN_HOSTS = frozenset({"NL", "ES", "DE"})


@cache
def programmes() -> tuple[HostProgramme, ...]:
    """Return the fictional cases' programmes, with facts from the seed catalogue."""
    catalogue = {entry["id"]: entry for entry in seed_programmes()}
    chosen: list[HostProgramme] = []
    for programme_id in PROGRAMME_IDS:
        entry = catalogue[programme_id]
        chosen.append(
            HostProgramme(
                programme_id=programme_id,
                host_country=entry["host_countries"][0],
                months=entry["duration_months_max"] or _DEFAULT_MONTHS,
                requires_return=entry["requires_return_intent"],
                profiles=frozenset(entry["eligible_profiles"] or ("any_hrd",)),
            )
        )
    return tuple(chosen)


def civic_space(country: str) -> str | None:
    """Return the CIVICUS rating of ``country``, or ``None`` when the partial table lacks it."""
    return civicus_ratings().ratings.get(country)


def visa_for(origin: OriginCountry, programme: HostProgramme) -> str:
    """Return the visa a national of ``origin`` needs for the programme's stay."""
    if programme.host_country in _SCHENGEN_HOSTS:
        if origin.schengen_visa_free and programme.months <= 3:
            return "visa_free"
        return "short_stay" if programme.months <= 3 else "long_stay"
    if programme.host_country == "GB":
        return "visa_free" if origin.uk_visa_free and programme.months <= 6 else "short_stay"
    return "short_stay"
