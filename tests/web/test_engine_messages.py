"""Engine reasons keyed by message carry their key and parameters and read in es, fr and ar."""

import pytest
from django.utils import translation

from haven.domain.hrd import screen_defender
from haven.domain.messages import PROTECTION_OUTCOME_MESSAGES, Message
from haven.domain.protection import assess_protection
from haven.domain.risk import assess_risk_on_return
from haven.web.engine_messages import translate
from tests.domain.builders import make_facts

EXCLUDED_WITH_TORTURE_RISK = {
    "defender": {"nationalities": ["ZZ"], "current_country": "XA"},
    "claim": {
        "credibility": "accepted",
        "exclusion_indicators": ["serious_non_political_crime"],
        "torture_risk_by_or_with_state": True,
    },
}


def outcome_reasons():
    facts = make_facts(**EXCLUDED_WITH_TORTURE_RISK)
    risk = assess_risk_on_return(facts)
    assert risk is not None
    return assess_protection(facts, hrd=screen_defender(facts), risk=risk).reasons


def test_outcome_reason_carries_key_and_parameters():
    """Rule 12: the reason is the English text, with its message key and parameters beside it."""
    (reason,) = outcome_reasons()

    assert isinstance(reason, Message)
    assert reason.key == "protection.outcome.barred_but_absolute"
    assert reason.params["limits"] == "exclusion (serious non political crime)"
    assert reason.startswith("Refugee status is barred (excluded)")


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_outcome_reason_reads_in_each_language(language):
    """The web layer shows a keyed reason translated, nested messages included."""
    (reason,) = outcome_reasons()

    with translation.override(language):
        shown = translate(reason)

    assert shown != str(reason)
    assert "serious non political crime" not in shown, "identifiers read as their labels"
    with translation.override(language):
        assert translate(reason.params["limits"].parts[0]) in shown
    with translation.override(language):
        assert translate(reason.params["why"]) in shown


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_every_keyed_protection_message_is_translated(language):
    """Every keyed template has a translation in the catalogue (rule 12)."""
    with translation.override(language):
        untranslated = [
            key
            for key, template in PROTECTION_OUTCOME_MESSAGES.items()
            if translation.gettext(template.text) == template.text
        ]

    assert untranslated == []
