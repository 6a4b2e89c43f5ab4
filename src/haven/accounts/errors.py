"""
The accounts app's refusals: ``ApplicationError`` subclasses whose messages are ``gettext_lazy``
constants kept beside the services that raise them (``haven.accounts.services``).
"""

from haven.organisations.errors import ApplicationError


class OrganisationError(ApplicationError):
    """A refused change to an organisation itself, such as a slug already taken."""


class MembershipError(ApplicationError):
    """A refused change to who belongs to an organisation: an invitation or a membership."""


class AccountError(ApplicationError):
    """A refused change to an account by its owner, such as dismissing someone else's notice."""
