"""The error a programmes service refuses with; its message is translated when a person reads it."""

from haven.organisations.errors import ApplicationError


class ProgrammeError(ApplicationError):
    """A programme, application or matching operation refused for a reason the user can act on."""
