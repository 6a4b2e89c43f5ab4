"""
The audit log's words: each kind of event and each kind of object named for the person reading.

Events keep their stable codes in the chain; the audit screen shows these labels, and the codes and
data stay one click away for auditors who need them.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.audit.events import EventType

EVENT_LABELS: dict[EventType, Promise] = {
    EventType.LOGIN_SUCCEEDED: _("Signed in"),
    EventType.LOGIN_FAILED: _("Sign-in failed"),
    EventType.ACCOUNT_LOCKED: _("Account locked"),
    EventType.SECOND_FACTOR_SUCCEEDED: _("Second factor accepted"),
    EventType.SECOND_FACTOR_FAILED: _("Second factor refused"),
    EventType.SECOND_FACTOR_ENROLLED: _("Authenticator set up"),
    EventType.SECOND_FACTOR_REMOVED: _("Authenticator removed"),
    EventType.BACKUP_CODE_USED: _("Backup code used"),
    EventType.BACKUP_CODES_REGENERATED: _("New backup codes made"),
    EventType.PASSWORD_CHANGED: _("Password changed"),
    EventType.LOGGED_OUT: _("Logged out"),
    EventType.SESSION_ENDED: _("Session ended"),
    EventType.ALL_SESSIONS_ENDED: _("All sessions ended"),
    EventType.STEP_UP_SUCCEEDED: _("Second factor confirmed again"),
    EventType.STEP_UP_FAILED: _("Second factor refused again"),
    EventType.ORGANISATION_CREATED: _("Organisation created"),
    EventType.ORGANISATION_UPDATED: _("Organisation changed"),
    EventType.INVITATION_CREATED: _("Invitation sent"),
    EventType.INVITATION_ACCEPTED: _("Invitation accepted"),
    EventType.INVITATION_REVOKED: _("Invitation withdrawn"),
    EventType.MEMBER_ROLE_CHANGED: _("Member's role changed"),
    EventType.MEMBER_DEACTIVATED: _("Member deactivated"),
    EventType.MEMBER_REACTIVATED: _("Member reactivated"),
    EventType.ACCESS_DENIED: _("Access refused"),
    EventType.BREAK_GLASS: _("Emergency access used"),
    EventType.KEY_CREATED: _("Encryption key created"),
    EventType.MASTER_KEY_ROTATED: _("Master key renewed"),
    EventType.ORGANISATION_KEY_ROTATED: _("Organisation key renewed"),
    EventType.DECRYPT_FAILED: _("Decryption failed"),
    EventType.BLIND_SEARCH: _("Search by identity"),
    EventType.SHRED_REQUESTED: _("Erasure requested"),
    EventType.SHRED_APPROVED: _("Erasure approved"),
    EventType.SHRED_REJECTED: _("Erasure refused"),
    EventType.CASE_SHREDDED: _("Case erased"),
    EventType.FILE_DELETIONS_RETRIED: _("Deletion of erased files tried again"),
    EventType.CASES_IMPORTED: _("Cases imported"),
    EventType.CASES_IMPORT_ABANDONED: _("Unfinished case import abandoned"),
    EventType.REPORT_PROFILES_COUNTED: _(
        "Cases counted by risk, country and profile for the report"
    ),
    EventType.CASES_EXPORTED: _("Cases exported"),
    EventType.BACKUP_CREATED: _("Backup made"),
    EventType.BACKUP_RESTORED: _("Backup restored"),
    EventType.CASE_OPENED: _("Case opened"),
    EventType.CASE_UPDATED: _("Case changed"),
    EventType.CASE_STATUS_CHANGED: _("Case moved to another stage"),
    EventType.CASE_ASSIGNED: _("Case assigned"),
    EventType.CASE_UNASSIGNED: _("Removed from a case"),
    EventType.CASE_VIEWED: _("Case viewed"),
    EventType.IDENTITY_REVEALED: _("Identity revealed"),
    EventType.THREAT_RECORDED: _("Threat logged"),
    EventType.THREAT_UPDATED: _("Threat corrected"),
    EventType.PROSECUTION_RECORDED: _("Prosecution recorded"),
    EventType.DEPENDANT_RECORDED: _("Dependant recorded"),
    EventType.CONSENT_RECORDED: _("Consent recorded"),
    EventType.CONSENT_WITHDRAWN: _("Consent withdrawn"),
    EventType.NOTE_ADDED: _("Note added"),
    EventType.ATTACHMENT_ADDED: _("File added"),
    EventType.ATTACHMENT_DOWNLOADED: _("File downloaded"),
    EventType.ATTACHMENT_REJECTED: _("File refused"),
    EventType.ASSESSMENT_RECORDED: _("Assessment recorded"),
    EventType.ASSESSMENT_DECIDED: _("Staff decision on an assessment recorded"),
    EventType.RECORD_CORRECTED: _("Case record corrected"),
    EventType.CASE_SEARCHED: _("Cases searched"),
    EventType.PROGRAMME_CREATED: _("Programme added"),
    EventType.PROGRAMME_UPDATED: _("Programme changed"),
    EventType.INTAKE_WINDOW_SAVED: _("Intake window saved"),
    EventType.APPLICATION_CREATED: _("Application started"),
    EventType.APPLICATION_STATUS_CHANGED: _("Application status changed"),
    EventType.MATCHING_RUN_CREATED: _("Placements proposed"),
    EventType.MATCHING_RUN_APPROVED: _("Placements approved"),
    EventType.MATCHING_PLACEMENT_REMOVED: _("Placement taken out of a proposal"),
    EventType.APPLICATION_CONSENT_RECORDED: _("Consent to apply recorded"),
    EventType.PERSECUTOR_REACH_UPDATED: _("Persecutor's reach changed"),
    EventType.HOST_PARTNER_ASSIGNED: _("Host partner given access"),
    EventType.APPLICATION_ELIGIBILITY_CHECKED: _("Eligibility checked again"),
    EventType.SIGNED_IN_DURING_LOCKOUT: _("Signed in with password and code during a lockout"),
    EventType.CHAIN_ANCHORED: _("Earlier audit events vouched for under the current key"),
    EventType.CHECKPOINT_WRITTEN: _("Signed audit checkpoint written"),
    EventType.STAY_OPENED: _("Stay opened"),
    EventType.STAY_RECORD_SAVED: _("Stay record saved"),
    EventType.STAY_ARRIVAL_CONFIRMED: _("Arrival confirmed"),
    EventType.STAY_EXTENSION_DECIDED: _("Extension decided"),
    EventType.STAY_LETTER_GENERATED: _("Consulate letter made"),
    EventType.COUNSEL_PARTNER_SAVED: _("Legal-aid partner saved"),
    EventType.COUNSEL_REFERRAL_CREATED: _("Referral to counsel recorded"),
    EventType.COUNSEL_ITEM_CONSENT_WITHDRAWN: _("Consent to share a referral item withdrawn"),
    EventType.COUNSEL_PACK_EXPORTED: _("Referral pack exported for counsel"),
    EventType.STAY_TRAVEL_PLAN_SHREDDED: _("Travel plan shredded"),
    EventType.STAY_CANCELLED: _("Stay cancelled"),
    EventType.PORTAL_REFERRAL_RECEIVED: _("Referral received through the portal"),
    EventType.PORTAL_REFERRAL_VIEWED: _("Portal referral opened"),
    EventType.PORTAL_REFERRAL_CASE_OPENED: _("Case opened from a portal referral"),
    EventType.PORTAL_REFERRAL_LINKED: _("Portal referral added to a case"),
    EventType.PORTAL_REFERRAL_DECLINED: _("Portal referral declined"),
    EventType.PORTAL_SIGN_IN_SUCCEEDED: _("Defender opened their referral"),
    EventType.PORTAL_SIGN_IN_FAILED: _("Wrong receipt or passphrase at the portal"),
    EventType.PORTAL_MESSAGE_FROM_DEFENDER: _("Message from the defender"),
    EventType.PORTAL_MESSAGE_FROM_STAFF: _("Message to the defender"),
    EventType.ASYLUM_CONSENT_RECORDED: _("Informed-consent conversation recorded"),
    EventType.ASYLUM_CONSENT_WITHDRAWN: _("Informed-consent conversation withdrawn"),
    EventType.ASYLUM_OPINION_RECORDED: _("Legal opinion recorded"),
    EventType.ASYLUM_STEP_RECORDED: _("Asylum procedure step recorded"),
    EventType.ASYLUM_STAY_EFFECT_RECORDED: _("Effect on the stay recorded"),
    EventType.ASYLUM_RECORDS_VIEWED: _("Asylum bridge records opened"),
    EventType.API_TOKEN_CREATED: _("API token made"),
    EventType.API_TOKEN_REVOKED: _("API token revoked"),
    EventType.API_CALLED: _("API used"),
}

OBJECT_LABELS: dict[str, Promise] = {
    "api_token": _("API token"),
    "application": _("application"),
    "case": _("case"),
    "intake_window": _("intake window"),
    "invitation": _("invitation"),
    "matching_run": _("matching run"),
    "membership": _("member"),
    "organisation": _("organisation"),
    "programme": _("programme"),
    "login_session": _("session"),
    "defender": _("defender"),
    "organisation_key": _("organisation key"),
    "user": _("account"),
    "referral": _("portal referral"),
    "stay": _("stay"),
}


def event_label(code: str) -> str:
    """The label of an event code; a code from a newer Haven shows as itself."""
    try:
        return str(EVENT_LABELS[EventType(code)])
    except (ValueError, KeyError):
        return code


def object_label(object_type: str) -> str:
    """The label of an audited object's type."""
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else object_type.replace("_", " ")
