"""
Login sessions: started once both factors pass, ended by their owner or the middleware (SESS-01).
A coordinator ending all of a member's sessions is in ``members``.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import LoginSession, User
from haven.accounts.services.common import account_event_record, home_organisation, secret_digest
from haven.audit.events import EventType
from haven.audit.services import record_event


@transaction.atomic
def login_session_start(*, user: User, session_key: str, method: str) -> LoginSession:
    """
    Record a session that has passed both factors and return it.

    Permission: the caller has verified the second factor and rotated the session key.
    Side effects: ``auth.second_factor_succeeded`` (and ``auth.backup_code_used`` for a backup
    code), then ``auth.login_succeeded`` naming the new session.
    """
    organisation = home_organisation(user)
    login_session = LoginSession.objects.create(
        user=user, session_key_digest=secret_digest(session_key)
    )
    account_event_record(
        EventType.SECOND_FACTOR_SUCCEEDED, user, {"method": method}, organisation=organisation
    )
    if method == "recovery_code":
        account_event_record(EventType.BACKUP_CODE_USED, user, organisation=organisation)
    record_event(
        EventType.LOGIN_SUCCEEDED,
        actor=user,
        organisation=organisation,
        object_type="login_session",
        object_id=login_session.pk,
    )
    return login_session


@transaction.atomic
def login_session_key_record(*, user: User, login_session_id: uuid.UUID, session_key: str) -> bool:
    """
    Record the digest of a signed-in session's new key on that session's own open
    ``LoginSession``, so the middleware can read its rows by that key (issue 17); return whether
    one was updated.

    Permission: the caller has just given the session ``session_key`` (``cycle_key``) and passes
    the ``LoginSession`` the session's own data names. Only that row changes, and only while it is
    the account's own and open: the digest can never name another session, and an ended session
    is not made to look current (SESS-03). Side effects: none recorded; the key alone changed.
    """
    updated = LoginSession.objects.filter(
        pk=login_session_id, user=user, ended_at__isnull=True
    ).update(session_key_digest=secret_digest(session_key))
    return bool(updated)


@transaction.atomic
def login_session_end(
    *, actor: User | None, login_session: LoginSession, reason: str, logged_out: bool = False
) -> None:
    """
    End one session: the middleware refuses it from the next request on.

    Permission: the session is the actor's own (checked by ``login_session_get_own``), or the
    caller is the middleware expiring it (actor None).
    Side effects: ``auth.logged_out`` when the owner logs out, ``auth.session_ended`` otherwise.
    """
    updated = LoginSession.objects.filter(pk=login_session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if not updated:
        return
    record_event(
        EventType.LOGGED_OUT if logged_out else EventType.SESSION_ENDED,
        actor=actor,
        organisation=home_organisation(login_session.user),
        object_type="login_session",
        object_id=login_session.pk,
        data={"reason": reason},
    )
