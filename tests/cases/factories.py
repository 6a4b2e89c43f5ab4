"""Fictional defenders and cases, built through the real services."""

from typing import Any

from haven.cases.services import case_open
from tests.acting import acting

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
        membership=acting(actor),
        organisation=organisation,
        identity=canary_identity(suffix),
        facts=canary_facts(),
        external_reference=CANARY_REFERENCE,
    )


def tension_facts() -> dict[str, Any]:
    """A woman defender abroad on a programme that requires return, who does not mean to return."""
    return {
        "schema": "haven.case-facts/1",
        "defender": {
            "nationalities": ["HN"],
            "current_country": "ES",
            "profiles": ["woman_hrd"],
            "activities": ["women_rights"],
            "peaceful_means": True,
            "accepts_universality": True,
            "intends_to_return": False,
            "wishes": ["asylum"],
            "own_risk_level": "high",
        },
        "threats": [
            {"date": "2026-06-01", "kind": "smear_campaign", "actor": "political_party"},
            {"date": "2026-07-01", "kind": "online_harassment", "linked_to_work": True},
        ],
        "context": {"country": "HN"},
        "claim": {"jurisdiction": "EU", "credibility": "not_assessed"},
        "relocation": {
            "status": "in_relocation",
            "programme_id": "catalan_protection_programme",
            "host_country": "ES",
            "end_date": "2027-02-01",
            "visa": "residence_permit",
            "programme_requires_return": True,
        },
    }


def membership_of(user, organisation):
    from haven.organisations.models import Membership

    return Membership.objects.get(user=user, organisation=organisation)


def assigned_case(organisation, user, *, facts=None, suffix: str = ""):
    """Open a canary case (optionally with ``facts``) as ``user``, who is put on its team."""
    return case_open(
        membership=acting(user),
        organisation=organisation,
        identity=canary_identity(suffix),
        facts=facts or canary_facts(),
        external_reference=CANARY_REFERENCE,
        assign_opener=True,
    )
