"""
The session's account, read with SQL compiled once per process (issue 17).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from haven.accounts.compiled import CompiledRead
from haven.accounts.models import User


def _user_query(*, user: int) -> QuerySet[User]:
    return User._default_manager.filter(pk=user)


#: A stand-in for an account's id that no row has (ids count up from 1), within a 32-bit integer.
ANY_USER = -2_000_000_002

account_read = CompiledRead(_user_query, user=ANY_USER)

# The account's rows when ``SecondFactorMiddleware`` read them in the round trip that also read
# its device and memberships (issue 17); only for the one account id they were read for.
_read_ahead: ContextVar[tuple[int, list[User]] | None] = ContextVar(
    "haven_account_read_ahead", default=None
)


@contextmanager
def account_read_ahead(user: int, rows: list[User]) -> Iterator[None]:
    """Within the block, ``get_user(user)`` takes ``rows`` (read this request) instead of asking."""
    token = _read_ahead.set((user, rows))
    try:
        yield
    finally:
        _read_ahead.reset(token)


class AccountBackend(ModelBackend):
    """
    Django's ``ModelBackend`` (passwords, ``is_active``), but the account behind a session, read
    on every signed-in request, comes from a query compiled once instead of one built each time.
    """

    def get_user(self, user_id: object) -> User | None:
        try:
            account = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        ahead = _read_ahead.get()
        found = (
            ahead[1] if ahead is not None and ahead[0] == account else account_read(user=account)
        )
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
