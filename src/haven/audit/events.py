"""
The kinds of audit event, one typed enum for the whole project.

Values are stable strings stored in the chain: renaming one would make old events unreadable to
the audit screen, so add new members and never rename old ones. Grouped by the part of Haven that
writes them.
"""

from enum import StrEnum, unique


@unique
class EventType(StrEnum):
    # Authentication and sessions (AUTH, SESS)
    LOGIN_SUCCEEDED = "auth.login_succeeded"
    LOGIN_FAILED = "auth.login_failed"
    ACCOUNT_LOCKED = "auth.account_locked"
    SIGNED_IN_DURING_LOCKOUT = "auth.signed_in_during_lockout"
    SECOND_FACTOR_SUCCEEDED = "auth.second_factor_succeeded"
    SECOND_FACTOR_FAILED = "auth.second_factor_failed"
    SECOND_FACTOR_ENROLLED = "auth.second_factor_enrolled"
    SECOND_FACTOR_REMOVED = "auth.second_factor_removed"
    BACKUP_CODE_USED = "auth.backup_code_used"
    BACKUP_CODES_REGENERATED = "auth.backup_codes_regenerated"
    PASSWORD_CHANGED = "auth.password_changed"
    LOGGED_OUT = "auth.logged_out"
    SESSION_ENDED = "auth.session_ended"
    ALL_SESSIONS_ENDED = "auth.all_sessions_ended"
    STEP_UP_SUCCEEDED = "auth.step_up_succeeded"
    STEP_UP_FAILED = "auth.step_up_failed"

    # The audit chain itself (AUD-04)
    CHAIN_ANCHORED = "audit.chain_anchored"
    CHECKPOINT_WRITTEN = "audit.checkpoint_written"

    # Organisations, membership and roles
    ORGANISATION_CREATED = "org.created"
    ORGANISATION_UPDATED = "org.updated"
    INVITATION_CREATED = "org.invitation_created"
    INVITATION_ACCEPTED = "org.invitation_accepted"
    INVITATION_REVOKED = "org.invitation_revoked"
    MEMBER_ROLE_CHANGED = "org.member_role_changed"
    MEMBER_DEACTIVATED = "org.member_deactivated"
    MEMBER_REACTIVATED = "org.member_reactivated"

    # Authorisation
    ACCESS_DENIED = "authz.denied"
    BREAK_GLASS = "authz.break_glass"

    # Vault: keys, search, erasure, export, backup (CRY, BI, EXP, BAK)
    KEY_CREATED = "vault.key_created"
    MASTER_KEY_ROTATED = "vault.master_key_rotated"
    ORGANISATION_KEY_ROTATED = "vault.organisation_key_rotated"
    DECRYPT_FAILED = "vault.decrypt_failed"
    BLIND_SEARCH = "vault.blind_search"
    SHRED_REQUESTED = "vault.shred_requested"
    SHRED_APPROVED = "vault.shred_approved"
    SHRED_REJECTED = "vault.shred_rejected"
    CASE_SHREDDED = "vault.case_shredded"
    # The worker's retry of stored-file deletions that failed after an erasure (counts only).
    FILE_DELETIONS_RETRIED = "vault.file_deletions_retried"
    CASES_IMPORTED = "vault.cases_imported"
    CASES_IMPORT_ABANDONED = "vault.cases_import_abandoned"
    # The background count behind the report's risk, country and profile tables (counts only).
    REPORT_PROFILES_COUNTED = "reports.profiles_counted"
    CASES_EXPORTED = "vault.cases_exported"
    BACKUP_CREATED = "vault.backup_created"
    BACKUP_RESTORED = "vault.backup_restored"

    # Cases
    CASE_OPENED = "case.opened"
    CASE_UPDATED = "case.updated"
    CASE_STATUS_CHANGED = "case.status_changed"
    CASE_ASSIGNED = "case.assigned"
    CASE_UNASSIGNED = "case.unassigned"
    CASE_VIEWED = "case.viewed"
    IDENTITY_REVEALED = "case.identity_revealed"
    THREAT_RECORDED = "case.threat_recorded"
    THREAT_UPDATED = "case.threat_updated"
    PROSECUTION_RECORDED = "case.prosecution_recorded"
    DEPENDANT_RECORDED = "case.dependant_recorded"
    CONSENT_RECORDED = "case.consent_recorded"
    CONSENT_WITHDRAWN = "case.consent_withdrawn"
    NOTE_ADDED = "case.note_added"
    ATTACHMENT_ADDED = "case.attachment_added"
    ATTACHMENT_DOWNLOADED = "case.attachment_downloaded"
    ATTACHMENT_REJECTED = "case.attachment_rejected"
    ASSESSMENT_RECORDED = "case.assessment_recorded"
    ASSESSMENT_DECIDED = "case.assessment_decided"
    RECORD_CORRECTED = "case.record_corrected"
    CASE_SEARCHED = "case.searched"

    # Programmes, applications and matching
    PROGRAMME_CREATED = "programme.created"
    PROGRAMME_UPDATED = "programme.updated"
    INTAKE_WINDOW_SAVED = "programme.intake_window_saved"
    APPLICATION_CREATED = "programme.application_created"
    APPLICATION_STATUS_CHANGED = "programme.application_status_changed"
    MATCHING_RUN_CREATED = "programme.matching_run_created"
    MATCHING_RUN_APPROVED = "programme.matching_run_approved"
    MATCHING_PLACEMENT_REMOVED = "programme.matching_placement_removed"
    APPLICATION_CONSENT_RECORDED = "programme.application_consent_recorded"
    PERSECUTOR_REACH_UPDATED = "programme.persecutor_reach_updated"
    HOST_PARTNER_ASSIGNED = "programme.host_partner_assigned"
    APPLICATION_ELIGIBILITY_CHECKED = "programme.application_eligibility_checked"

    # The defenders' portal: referrals, receipts, messages
    PORTAL_REFERRAL_RECEIVED = "portal.referral_received"
    PORTAL_REFERRAL_VIEWED = "portal.referral_viewed"
    PORTAL_REFERRAL_CASE_OPENED = "portal.referral_case_opened"
    PORTAL_REFERRAL_LINKED = "portal.referral_linked"
    PORTAL_REFERRAL_DECLINED = "portal.referral_declined"
    PORTAL_SIGN_IN_SUCCEEDED = "portal.sign_in_succeeded"
    PORTAL_SIGN_IN_FAILED = "portal.sign_in_failed"
    PORTAL_MESSAGE_FROM_DEFENDER = "portal.message_from_defender"
    PORTAL_MESSAGE_FROM_STAFF = "portal.message_from_staff"
    # Relocation stays
    STAY_OPENED = "relocation.stay_opened"
    STAY_RECORD_SAVED = "relocation.record_saved"
    STAY_ARRIVAL_CONFIRMED = "relocation.arrival_confirmed"
    STAY_EXTENSION_DECIDED = "relocation.extension_decided"
    STAY_LETTER_GENERATED = "relocation.letter_generated"
    # The asylum bridge
    ASYLUM_CONSENT_RECORDED = "asylum.consent_recorded"
    ASYLUM_CONSENT_WITHDRAWN = "asylum.consent_withdrawn"
    ASYLUM_OPINION_RECORDED = "asylum.opinion_recorded"
    ASYLUM_STEP_RECORDED = "asylum.procedure_step_recorded"
    ASYLUM_STAY_EFFECT_RECORDED = "asylum.stay_effect_recorded"
    ASYLUM_RECORDS_VIEWED = "asylum.records_viewed"
    # Referral to counsel (ids and enumerated values only: never a name, a key or a passphrase)
    COUNSEL_PARTNER_SAVED = "counsel.partner_saved"
    COUNSEL_REFERRAL_CREATED = "counsel.referral_created"
    COUNSEL_ITEM_CONSENT_WITHDRAWN = "counsel.item_consent_withdrawn"
    COUNSEL_PACK_EXPORTED = "counsel.pack_exported"
    STAY_TRAVEL_PLAN_SHREDDED = "relocation.travel_plan_shredded"
    STAY_CANCELLED = "relocation.stay_cancelled"
    # The JSON API
    API_TOKEN_CREATED = "api.token_created"
    API_TOKEN_REVOKED = "api.token_revoked"
    API_CALLED = "api.called"
