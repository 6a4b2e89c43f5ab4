"""The asylum bridge's refusal: an ``ApplicationError`` whose message the member can act on."""

from haven.organisations.errors import ApplicationError


class AsylumError(ApplicationError):
    """A refused write to the asylum bridge; nothing was saved."""
