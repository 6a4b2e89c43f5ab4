"""
The accounts app's refusals: ``ApplicationError`` subclasses whose messages are ``gettext_lazy``
constants kept beside the services that raise them (``haven.accounts.services``).
"""

from haven.organisations.errors import ApplicationError


class MembershipError(ApplicationError):
    """A change to a membership that would leave the organisation in a bad state."""
