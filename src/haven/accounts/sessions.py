"""
Django's database sessions, the row read with SQL compiled once per process (issue 17): every
signed-in request reads it. The row is still read on every request, never cached, so a session
ended elsewhere is refused on its next request (SESS-03).
"""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from haven.accounts.compiled import CompiledRead


def _session_query(*, session_key: str, now: datetime.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_session_read = CompiledRead(
    _session_query,
    # Neither is a session key Django makes (lowercase letters and digits) or a time it asks about.
    session_key="<any session>",
    now=datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        found = (
            _session_read(session_key=self.session_key, now=timezone.now())
            if self.session_key
            else []
        )
        if not found:
            self._session_key = None
            return None
        return found[0]
