"""
Django's database sessions, the row read with SQL compiled once per process (issue 17): every
signed-in request reads it. The row is still read on every request, never cached, so a session
ended elsewhere is refused on its next request (SESS-03).

On PostgreSQL the row can be read in the same round trip as other reads keyed by the session key
(``SessionStore.read_with``, used by ``accounts.middleware``): the row is the same, read by the
same query, in the same request, and it is used only by this store's next load.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from haven.accounts.compiled import CompiledRead
from haven.accounts.round_trips import Call, read_together


def _session_query(*, session_key: str, now: datetime.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_session_read = CompiledRead(
    _session_query,
    # Neither is a session key Django makes (lowercase letters and digits) or a time it asks about.
    session_key="<any session>",
    now=datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC),
)


class SessionStore(db.SessionStore):
    #: The row ``read_with`` read for the next load, and the key it was read for.
    _row_read_ahead: tuple[str, list[Session]] | None = None

    def is_loaded(self) -> bool:
        """Whether the session's data has been read (or made) already in this request."""
        return hasattr(self, "_session_cache")

    def read_with(self, calls: Sequence[Call]) -> list[list[Any]]:
        """
        Read the session's row together with ``calls`` (one round trip on PostgreSQL) and return
        the calls' rows. The row is kept for this store's load, which must not have happened yet.
        """
        key = self.session_key
        assert key and not self.is_loaded(), "read_with() is for a session not yet loaded"
        session_rows, *rows = read_together(
            [(_session_read, {"session_key": key, "now": timezone.now()}), *calls]
        )
        self._row_read_ahead = (key, session_rows)
        return rows

    def _get_session_from_db(self) -> Session | None:
        ahead, self._row_read_ahead = self._row_read_ahead, None
        if ahead is not None and ahead[0] == self.session_key:
            found = ahead[1]
        else:
            found = (
                _session_read(session_key=self.session_key, now=timezone.now())
                if self.session_key
                else []
            )
        if not found:
            self._session_key = None
            return None
        return found[0]
