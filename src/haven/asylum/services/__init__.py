"""
Every write to the asylum bridge, one function per use case, one module per topic, re-exported here.

Each takes the acting member first, checks its permission here (the case's own rule decides who
sees the case: a member who may not gets Http404), runs in one transaction with one audit event
holding ids only (never a decision, an outcome or a word of the content: the event's type already
says enough), and lets the case follow its records (``cases.services.case_follow_records``).
Refusals are ``AsylumError`` with a sentence the member can act on; nothing is half-saved.

Read first: ``common`` (the case reached and locked, the audit event), then one module per topic:
``consent`` (the informed-consent conversation), ``opinions`` (a legal adviser's view beside the
engine's), ``procedure`` (the claim's steps, the case's next deadline, and what a claim changed for
the stay).
"""

from haven.asylum.errors import AsylumError
from haven.asylum.services.common import asylum_records_viewed
from haven.asylum.services.consent import (
    consent_conversation_record,
    consent_conversation_withdraw,
)
from haven.asylum.services.opinions import ElementOpinion, engine_elements, legal_opinion_record
from haven.asylum.services.procedure import StepInput, procedure_step_record, stay_effect_record

__all__ = [
    "AsylumError",
    "ElementOpinion",
    "StepInput",
    "asylum_records_viewed",
    "consent_conversation_record",
    "consent_conversation_withdraw",
    "engine_elements",
    "legal_opinion_record",
    "procedure_step_record",
    "stay_effect_record",
]
