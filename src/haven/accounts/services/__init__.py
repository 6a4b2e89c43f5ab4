"""
Writes to organisations, members, invitations, sessions and second factors, one module per topic,
re-exported here.

Each function runs in one transaction and records its audit event in it, so a change and its
record stand or fall together. The member services check their permission themselves; the
account's own writes (sign-in, sessions, notices, password) assume the caller has checked who is
asking, and each docstring says what it assumes. Refusals are ``MembershipError`` (invitations and
members), ``OrganisationError`` or ``AccountError`` (``haven.accounts.errors``) with a translated
message; a name or password that fails Django's validators is still a ``ValidationError``.

Read first: ``members`` (roles, deactivation, and the ``MANAGE_MEMBERS`` check), ``invitations``
(how anyone joins), ``sign_in`` (refusals recorded, the second factor and backup codes),
``sessions``; then ``notices`` (AUTH-10), ``account`` (password, digits), ``organisations`` (a new
tenant) and ``common`` (the account event and the stored digest of a secret).
"""

from haven.accounts.errors import AccountError, MembershipError, OrganisationError
from haven.accounts.services.account import account_digits_set, password_change
from haven.accounts.services.common import account_event_record, home_organisation
from haven.accounts.services.invitations import (
    CODE_ALPHABET,
    CODE_LENGTH,
    INVITATION_LIFETIME,
    INVITATION_NOT_USABLE,
    USERNAME_TAKEN,
    invitation_accept,
    invitation_code_new,
    invitation_code_normalise,
    invitation_create,
    invitation_find_open,
    invitation_revoke,
)
from haven.accounts.services.members import (
    CANNOT_CHANGE_OWN_MEMBERSHIP,
    NOT_A_MEMBER_MANAGER,
    login_sessions_end_all,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)
from haven.accounts.services.notices import (
    NOTICE_NOT_YOURS,
    security_notice_create,
    security_notice_dismiss,
)
from haven.accounts.services.organisations import ORGANISATION_SLUG_TAKEN, organisation_create
from haven.accounts.services.sessions import (
    login_session_end,
    login_session_key_record,
    login_session_start,
)
from haven.accounts.services.sign_in import (
    RECOVERY_CODE_COUNT,
    lockout_passed_by_owner_record,
    recovery_codes_issue,
    second_factor_failure_record,
    sign_in_failure_record,
    step_up_failure_record,
    step_up_success_record,
    totp_enrolment_confirm,
)

__all__ = [
    "CANNOT_CHANGE_OWN_MEMBERSHIP",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "INVITATION_LIFETIME",
    "INVITATION_NOT_USABLE",
    "NOTICE_NOT_YOURS",
    "NOT_A_MEMBER_MANAGER",
    "ORGANISATION_SLUG_TAKEN",
    "RECOVERY_CODE_COUNT",
    "USERNAME_TAKEN",
    "AccountError",
    "MembershipError",
    "OrganisationError",
    "account_digits_set",
    "account_event_record",
    "home_organisation",
    "invitation_accept",
    "invitation_code_new",
    "invitation_code_normalise",
    "invitation_create",
    "invitation_find_open",
    "invitation_revoke",
    "lockout_passed_by_owner_record",
    "login_session_end",
    "login_session_key_record",
    "login_session_start",
    "login_sessions_end_all",
    "membership_change_role",
    "membership_deactivate",
    "membership_reactivate",
    "organisation_create",
    "password_change",
    "recovery_codes_issue",
    "second_factor_failure_record",
    "security_notice_create",
    "security_notice_dismiss",
    "sign_in_failure_record",
    "step_up_failure_record",
    "step_up_success_record",
    "totp_enrolment_confirm",
]
