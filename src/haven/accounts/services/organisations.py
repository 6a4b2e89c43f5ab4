"""Organisations (tenants): created by Haven itself, never by a member of one."""

from django.core.exceptions import ValidationError
from django.db import transaction

from haven.accounts.acting import SystemActor, record_action
from haven.audit.events import EventType
from haven.organisations.models import Organisation

ORGANISATION_SLUG_TAKEN = "An organisation with the slug {slug!r} already exists."


@transaction.atomic
def organisation_create(*, membership: SystemActor, slug: str, name: str) -> Organisation:
    """
    Create an organisation (a tenant) and return it.

    Permission: only Haven itself (``SYSTEM``: the ``haven orgs create`` command, the demo and
    test set-up) creates tenants; no member of one can.
    Side effects: one ``org.created`` audit event. Raises ``ValidationError`` for a bad or taken slug.
    """
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(ORGANISATION_SLUG_TAKEN.format(slug=slug))
    organisation = Organisation(slug=slug, name=name)
    organisation.full_clean()
    organisation.save()
    record_action(EventType.ORGANISATION_CREATED, membership, organisation)
    return organisation
