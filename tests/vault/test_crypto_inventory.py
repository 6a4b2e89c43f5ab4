"""Every key the code uses is listed in docs/crypto-inventory.md (CRY-09)."""

from pathlib import Path

import pytest

from haven.cases.models import CASE_KEY, DEFENDER_KEY, Defender
from haven.counsel.models import PARTNER_KEY
from haven.portal.models import REFERRAL_KEY
from haven.vault.blind_index import declared_indexes, qualified_index_name
from haven.vault.models import KeyPurpose

INVENTORY = Path(__file__).resolve().parents[2] / "docs" / "crypto-inventory.md"

KEY_NAMES = [
    "master",
    "attachment",
    "attachment:fingerprint",
    "SECRET_KEY",
    "portal receipt",
    "portal passphrase",
    "portal session",
    "referral pack recipient",
    "audit:secret",
    "audit:hmac",
    "audit:checkpoint",
    *(f"organisation:{purpose}" for purpose in KeyPurpose.values),
    *(f"datakey:{owner}" for owner in (CASE_KEY, DEFENDER_KEY, REFERRAL_KEY, PARTNER_KEY)),
    *(f"bidx:{qualified_index_name(Defender, index)}" for index in declared_indexes(Defender)),
]


@pytest.mark.parametrize("name", KEY_NAMES)
def test_key_is_in_the_inventory(name):
    """The inventory has a row for the key."""
    assert f"| `{name}` |" in INVENTORY.read_text(encoding="utf-8")
