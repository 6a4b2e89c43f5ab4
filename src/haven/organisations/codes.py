"""
The short random codes people read out and type to name an organisation's records: a case's code
(``HV-...``) and a portal referral's reference (``R-...``).

They are random, not sequential, so a code reveals nothing about how many records an organisation
has, and drawn from capitals and digits without the look-alikes (no ``I``, ``O``, ``0`` or ``1``)
so they survive a phone call or a handwritten note.
"""

import secrets
from collections.abc import Callable

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def unused_code(prefix: str, *, taken: Callable[[str], bool]) -> str:
    """Return ``prefix`` and ``CODE_LENGTH`` random characters, drawing again while ``taken``."""
    while True:
        code = prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not taken(code):
            return code
