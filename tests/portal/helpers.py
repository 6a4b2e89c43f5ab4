"""Sending referrals through the portal's real form, as a defender's browser would."""

import re
import time
import uuid

from django.core import signing

from haven.portal import abuse

PASSPHRASE = "blue kettle on a quiet hill"
CANARY_ACCOUNT = "CANARY-PORTAL-ACCOUNT-7f3b: soldiers came to the fictional office"
CANARY_HANDLE = "@canary_portal_handle_51c2"
CANARY_NAME = "Canary Portalova Fictional"
CANARY_MESSAGE = "CANARY-PORTAL-MESSAGE-a94e from the defender"
CANARY_CHECK_IN = "CANARY-PORTAL-CHECK-IN-52be a fictional neighbour asks about me"
CANARY_INCIDENT = "CANARY-PORTAL-INCIDENT-e07a a fictional car waited two nights"
PORTAL_CANARIES = (
    CANARY_ACCOUNT,
    CANARY_HANDLE,
    CANARY_NAME,
    CANARY_MESSAGE,
    CANARY_CHECK_IN,
    CANARY_INCIDENT,
)
RECEIPT = re.compile(r'id="receipt-code"[^>]*>(.*?)</p>', re.S)


def referral_data(organisation, **overrides):
    data = {
        "organisation": organisation.slug,
        "name": CANARY_NAME,
        "channel": "signal",
        "handle": CANARY_HANDLE,
        "country": "Fictional Republic",
        "when": "last week",
        "account": CANARY_ACCOUNT,
        "urgency": "priority",
        "passphrase": PASSPHRASE,
        "passphrase_again": PASSPHRASE,
        "form_token": abuse.issue_form_token(),
        "work": "",
        "lang": "en",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def old_form_token(seconds: float) -> str:
    """A token issued ``seconds`` ago, as a form left open that long would carry."""
    return signing.dumps(
        {"t": uuid.uuid4().hex, "at": time.time() - seconds}, salt=abuse.FORM_SIGNING_NAMESPACE
    )


def receipt_from(response) -> str:
    match = RECEIPT.search(response.content.decode())
    assert match, "no receipt code on the page"
    return "-".join(re.findall(r"<span>([a-z-]+)</span>", match.group(1)))


def submit_referral(client, organisation, **overrides):
    """POST a referral; return (response, receipt code)."""
    response = client.post("/portal/", referral_data(organisation, **overrides))
    assert response.status_code == 200, response.content.decode()[:2000]
    return response, receipt_from(response)


def sign_in(client, code: str, passphrase: str = PASSPHRASE):
    return client.post("/portal/status/open/", {"receipt": code, "passphrase": passphrase})
