"""The error a case service refuses with; its message is translated when a person reads it."""

from haven.organisations.errors import ApplicationError


class CaseError(ApplicationError):
    """A case operation refused for a reason the user can act on; nothing was changed."""
