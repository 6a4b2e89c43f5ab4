"""
Writes to cases, defenders and their records, one module per topic, re-exported here.

Every service takes the acting member first, keyword-only, as ``membership`` (``SYSTEM`` from
``haven.accounts.acting`` for the writes no person makes: the import command, the demo),
runs in one transaction inside a key-ring scope, and writes its audit event in that transaction.
Audit events carry identifiers and counts only; names, notes and search terms never enter the
chain (AUD-05). Refusals are ``CaseError`` with a translated message.

Read first: ``opening`` (a new case), ``records`` (what is recorded on it), ``access``
(need-to-know), ``lifecycle`` (moving it), ``erasure`` (crypto-shredding it).
"""

from haven.cases.errors import CaseError
from haven.cases.services.access import (
    BREAK_GLASS_HOURS,
    break_glass_open,
    case_assign,
    case_team_notify,
    case_unassign,
    case_viewed,
    identity_reveal,
    notifications_mark_read,
)
from haven.cases.services.assessments import assessment_decide, assessment_run
from haven.cases.services.attachments import (
    attachment_add,
    attachment_plaintext,
    attachment_read,
    attachment_verify,
)
from haven.cases.services.consents import consent_record, consent_withdraw
from haven.cases.services.corrections import CORRECTABLE, record_correct
from haven.cases.services.defenders import IDENTITY_FIELDS, defender_update
from haven.cases.services.erasure import (
    case_erasure_approve,
    case_erasure_decline,
    case_erasure_request,
)
from haven.cases.services.intake import case_intake
from haven.cases.services.lifecycle import (
    DERIVED_REQUIREMENTS,
    case_follow_records,
    case_transition,
    derived_requirement_names,
    derived_requirements,
)
from haven.cases.services.opening import case_open, case_replace_facts
from haven.cases.services.receipts import DuplicateSubmissionError
from haven.cases.services.records import (
    case_settings_update,
    case_update,
    details_record,
    facts_section_update,
    note_add,
    threat_record,
)
from haven.cases.services.search import (
    PossibleDuplicates,
    defender_search,
    defenders_reindex,
    intake_duplicates,
)

__all__ = [
    "BREAK_GLASS_HOURS",
    "CORRECTABLE",
    "DERIVED_REQUIREMENTS",
    "IDENTITY_FIELDS",
    "CaseError",
    "DuplicateSubmissionError",
    "PossibleDuplicates",
    "assessment_decide",
    "assessment_run",
    "attachment_add",
    "attachment_plaintext",
    "attachment_read",
    "attachment_verify",
    "break_glass_open",
    "case_assign",
    "case_erasure_approve",
    "case_erasure_decline",
    "case_erasure_request",
    "case_follow_records",
    "case_intake",
    "case_open",
    "case_replace_facts",
    "case_settings_update",
    "case_team_notify",
    "case_transition",
    "case_unassign",
    "case_update",
    "case_viewed",
    "consent_record",
    "consent_withdraw",
    "defender_search",
    "defender_update",
    "defenders_reindex",
    "derived_requirement_names",
    "derived_requirements",
    "details_record",
    "facts_section_update",
    "identity_reveal",
    "intake_duplicates",
    "note_add",
    "notifications_mark_read",
    "record_correct",
    "threat_record",
]
