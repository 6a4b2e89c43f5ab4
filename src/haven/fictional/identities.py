"""
Identities that cannot belong to anyone: invented names, reserved phone ranges, example domains.

Names are built from syllables chosen to match no language's common names and always carry the
marker "(fictional)", so a screenshot of the demo can never be mistaken for a real case. Phone
numbers come from ranges set aside for drama and documentation: Ofcom's UK mobile range
+44 7700 900000 to 900999, and the North American 555-0100 to 555-0199. E-mail addresses use
``example.org`` (RFC 2606), and document numbers start with ``FICT-``.
"""

import random
from dataclasses import dataclass
from datetime import date

GIVEN_SYLLABLES = ("ve", "ssa", "or", "lu", "ne", "ka", "ri", "mo", "tae", "zu", "il", "dra", "qen")
FAMILY_SYLLABLES = ("var", "ton", "ulo", "mirr", "esk", "ath", "quo", "bel", "yn", "dro", "sel")
STREET_WORDS = ("Lantern", "Cobalt", "Willowmere", "Brasswick", "Quillan", "Tamsel")
FICTIONAL_MARKER = "(fictional)"


@dataclass(frozen=True)
class FictionalIdentity:
    legal_name: str
    other_names: tuple[str, ...]
    birth_date: date
    phone: str
    email: str
    document_number: str
    address: str


def _word(rng: random.Random, syllables: tuple[str, ...], count: int) -> str:
    return "".join(rng.choice(syllables) for _ in range(count)).capitalize()


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"+44 7700 900{rng.randrange(1000):03d}"
    return f"+1 202 555 01{rng.randrange(100):02d}"


def fictional_identity(rng: random.Random, *, number: int, birth_year: int) -> FictionalIdentity:
    """Return an identity for case ``number``; the number keeps e-mails and documents unique."""
    given = _word(rng, GIVEN_SYLLABLES, rng.choice((2, 3)))
    family = _word(rng, FAMILY_SYLLABLES, rng.choice((2, 3)))
    nickname = _word(rng, GIVEN_SYLLABLES, 2)
    birth_date = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
    document = f"FICT-{number:04d}-{rng.randrange(16**6):06X}"
    return FictionalIdentity(
        legal_name=f"{given} {family} {FICTIONAL_MARKER}",
        other_names=(f"{nickname} {FICTIONAL_MARKER}",) if rng.random() < 0.4 else (),
        birth_date=birth_date,
        phone=_phone(rng),
        email=f"{given.lower()}.{family.lower()}.{number:04d}@example.org",
        document_number=document,
        address=(
            f"{rng.randint(1, 99)} {rng.choice(STREET_WORDS)} Street, "
            f"Nowhere District {FICTIONAL_MARKER}"
        ),
    )
