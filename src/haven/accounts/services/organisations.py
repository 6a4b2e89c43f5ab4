"""Organisations (tenants): created by Haven itself, never by a member of one."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import SystemActor, record_action
from haven.accounts.errors import OrganisationError
from haven.audit.events import EventType
from haven.organisations.models import Organisation

ORGANISATION_SLUG_TAKEN = _("An organisation with the slug '%(slug)s' already exists.")


@transaction.atomic
def organisation_create(*, membership: SystemActor, slug: str, name: str) -> Organisation:
    """
    Create an organisation (a tenant) and return it.

    Permission: only Haven itself (``SYSTEM``: the ``haven orgs create`` command, the demo and
    test set-up) creates tenants; no member of one can.
    Side effects: one ``org.created`` audit event. Raises ``OrganisationError`` for a taken slug and
    ``ValidationError`` for a bad one.
    """
    if Organisation.objects.filter(slug=slug).exists():
        raise OrganisationError(ORGANISATION_SLUG_TAKEN, slug=slug)
    organisation = Organisation(slug=slug, name=name)
    organisation.full_clean()
    organisation.save()
    record_action(EventType.ORGANISATION_CREATED, membership, organisation)
    return organisation
