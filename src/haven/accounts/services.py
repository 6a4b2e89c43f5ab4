"""Writes to organisations and memberships. Each function records its audit event in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction

from haven.accounts.models import Organisation
from haven.audit.events import EventType
from haven.audit.services import record_event

ORGANISATION_SLUG_TAKEN = "An organisation with the slug {slug!r} already exists."


@transaction.atomic
def organisation_create(*, slug: str, name: str, actor: object = None) -> Organisation:
    """
    Create an organisation (a tenant) and return it.

    Permission: callers are operators on the command line or a platform administrator.
    Side effects: one ``org.created`` audit event. Raises ``ValidationError`` for a bad or taken slug.
    """
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(ORGANISATION_SLUG_TAKEN.format(slug=slug))
    organisation = Organisation(slug=slug, name=name)
    organisation.full_clean()
    organisation.save()
    record_event(
        EventType.ORGANISATION_CREATED,
        actor=actor,
        organisation=organisation,
        object_type="organisation",
        object_id=organisation.pk,
    )
    return organisation
