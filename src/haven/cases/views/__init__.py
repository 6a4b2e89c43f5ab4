"""
The cases workspace: thin views over ``selectors`` (reads, need-to-know) and ``services`` (writes),
one module per topic, re-exported here for ``haven.cases.urls``.

Every view declares its permission; every case, assessment, file or consent is fetched through a
selector that answers 404 for anything the member may not see (AZ-02, AZ-03). State changes are
POST only. A refused write shows the service's message and changes nothing. Sensitive values
never go into a URL: search and reveal are POSTs whose answers are rendered, not redirected to.

Read first: ``case_page`` (the case and its moves), ``records`` (adding and correcting records),
then ``lists``, ``intake``, ``consents``, ``assessments``, ``attachments``, ``erasure``.
"""

from haven.cases.views.assessments import (
    assessment_decide,
    assessment_detail,
    assessment_new,
)
from haven.cases.views.attachments import (
    attachment_add,
    attachment_download,
)
from haven.cases.views.case_page import (
    case_assign,
    case_detail,
    case_settings,
    case_timeline,
    case_transition,
    case_unassign,
    identity_reveal,
)
from haven.cases.views.consents import (
    consent_add,
    consent_withdraw,
)
from haven.cases.views.erasure import (
    erasure_approve,
    erasure_decline,
    erasure_detail,
    erasure_request,
)
from haven.cases.views.intake import (
    intake,
)
from haven.cases.views.lists import (
    break_glass,
    case_list,
    notifications_read,
)
from haven.cases.views.records import (
    dependant_add,
    facts_section,
    note_add,
    prosecution_add,
    record_correct,
    threat_add,
)

__all__ = [
    "assessment_decide",
    "assessment_detail",
    "assessment_new",
    "attachment_add",
    "attachment_download",
    "break_glass",
    "case_assign",
    "case_detail",
    "case_list",
    "case_settings",
    "case_timeline",
    "case_transition",
    "case_unassign",
    "consent_add",
    "consent_withdraw",
    "dependant_add",
    "erasure_approve",
    "erasure_decline",
    "erasure_detail",
    "erasure_request",
    "facts_section",
    "identity_reveal",
    "intake",
    "note_add",
    "notifications_read",
    "prosecution_add",
    "record_correct",
    "threat_add",
]
