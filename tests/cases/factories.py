"""Fictional defenders and cases, built through the real services."""

from typing import Any

from haven.cases.services import case_open

CANARY_NAME = "Zephyrine Canarywood-Quillfeather"
CANARY_PHONE = "+57 (310) 555-0199"
CANARY_EMAIL = "Zephyrine.Canary@example.org"
CANARY_DOCUMENT = "CANARY-DOC-77119"
CANARY_ADDRESS = "Calle Canario 42, Barrio Ficticio"
CANARY_NOTE = "canary-note: safe house near the fictional river"
CANARY_REFERENCE = "CANARY-REF-5521"
CANARIES = [
    CANARY_NAME,
    CANARY_EMAIL,
    CANARY_DOCUMENT,
    CANARY_ADDRESS,
    CANARY_NOTE,
    CANARY_REFERENCE,
]


def canary_identity(suffix: str = "") -> dict[str, Any]:
    return {
        "legal_name": CANARY_NAME + suffix,
        "other_names": ["Zeph Canarywood" + suffix],
        "birth_date": "1987-03-14",
        "phone": CANARY_PHONE,
        "email": CANARY_EMAIL,
        "document_number": CANARY_DOCUMENT + suffix,
        "address": CANARY_ADDRESS,
    }


def canary_facts() -> dict[str, Any]:
    return {
        "schema": "haven.case-facts/1",
        "defender": {"nationalities": ["CO"], "profiles": ["land", "environmental"]},
    }


def open_canary_case(organisation, actor=None, suffix: str = ""):
    return case_open(
        organisation=organisation,
        actor=actor,
        identity=canary_identity(suffix),
        facts=canary_facts(),
        external_reference=CANARY_REFERENCE,
    )
