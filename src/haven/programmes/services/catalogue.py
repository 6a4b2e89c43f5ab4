"""The organisation's programme catalogue: seeded from the reference list, then edited."""

import copy
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, record_action
from haven.audit.events import EventType
from haven.organisations.models import Membership, Organisation, Role
from haven.organisations.policy import Permission
from haven.programmes.catalogue import CATALOGUE_FIELDS, SCHEDULE_FIELDS
from haven.programmes.errors import ProgrammeError
from haven.programmes.models import HostPartnerAssignment, Programme
from haven.programmes.services.guards import NOT_A_PROGRAMME_MANAGER, check_permitted
from haven.reference import seed_programmes

#: Catalogue fields the model stores without null: a missing list is empty, missing text blank.
NEVER_NULL: Mapping[str, Any] = {
    "operator": "",
    "intake": "",
    "source_url": "",
    "host_countries": [],
    "host_cities": [],
    "provides": [],
}


@transaction.atomic
def programme_catalogue_seed(*, membership: Acting, organisation: Organisation) -> list[Programme]:
    """
    Add the seed catalogue's programmes the organisation does not have yet; return those added.

    Idempotent: a programme is matched by its catalogue id, and one the organisation has edited
    is left as it is. Permission: MANAGE_PROGRAMMES in ``organisation`` (or ``SYSTEM``, the demo
    seeder). Side effect: one ``programme.created`` event per programme added. Raises
    ProgrammeError for a role without it; another organisation is Http404.
    """
    check_permitted(membership, Permission.MANAGE_PROGRAMMES, None, NOT_A_PROGRAMME_MANAGER)
    if isinstance(membership, Membership) and membership.organisation_id != organisation.pk:
        raise Http404
    existing = set(
        Programme.objects.filter(organisation=organisation).values_list("catalogue_id", flat=True)
    )
    added = []
    for entry in seed_programmes():
        if entry["id"] in existing:
            continue
        programme = Programme(organisation=organisation, catalogue_id=entry["id"])
        for field in CATALOGUE_FIELDS:
            value = entry.get(field)
            if value is None and field in NEVER_NULL:
                value = copy.copy(NEVER_NULL[field])
            setattr(programme, field, value)
        for field in SCHEDULE_FIELDS:
            setattr(programme, field, entry.get(field))
        programme.save()
        record_action(
            EventType.PROGRAMME_CREATED,
            membership,
            programme,
            {"catalogue_id": programme.catalogue_id, "source": "seed_catalogue"},
        )
        added.append(programme)
    return added


NOT_CATALOGUE_FIELDS = _("These are not catalogue fields: %(fields)s.")


@transaction.atomic
def programme_update(
    *, membership: Acting, programme: Programme, changes: Mapping[str, Any]
) -> list[str]:
    """
    Apply edited catalogue fields to a programme; return the names of the fields that changed.

    ``changes`` comes from a form listing its fields (AZ-08). Permission: MANAGE_PROGRAMMES on a
    programme of the member's organisation. Side effect: one ``programme.updated`` event naming the
    changed fields (never their values) when anything changed. Raises ProgrammeError for a field
    outside the catalogue or a role without the permission; another organisation's is Http404.
    """
    check_permitted(membership, Permission.MANAGE_PROGRAMMES, programme, NOT_A_PROGRAMME_MANAGER)
    unknown = sorted(set(changes) - set(CATALOGUE_FIELDS) - set(SCHEDULE_FIELDS))
    if unknown:
        raise ProgrammeError(NOT_CATALOGUE_FIELDS, fields=", ".join(unknown))
    changed = sorted(
        field for field, value in changes.items() if getattr(programme, field) != value
    )
    if not changed:
        return []
    for field in changed:
        setattr(programme, field, changes[field])
    programme.updated_at = timezone.now()
    programme.save()
    record_action(EventType.PROGRAMME_UPDATED, membership, programme, {"fields": changed})
    return changed


NOT_A_HOST_PARTNER = _("Choose an active host partner of this organisation.")


@transaction.atomic
def host_partner_assign(
    *, membership: Membership, programme: Programme, host_partner: Membership
) -> HostPartnerAssignment:
    """
    Let a host partner see the applications at ``programme`` (minimum data only).

    Permission: MANAGE_PROGRAMMES. Side effect: one ``programme.host_partner_assigned`` event.
    Raises ProgrammeError unless ``host_partner`` is an active host partner of the same
    organisation, or a role without MANAGE_PROGRAMMES; another organisation's programme is
    Http404. Assigning twice returns the existing assignment without a second event.
    """
    check_permitted(membership, Permission.MANAGE_PROGRAMMES, programme, NOT_A_PROGRAMME_MANAGER)
    if (
        host_partner.organisation_id != programme.organisation_id
        or host_partner.role != Role.HOST_PARTNER
        or not host_partner.is_active
    ):
        raise ProgrammeError(NOT_A_HOST_PARTNER)
    assignment, created = HostPartnerAssignment.objects.get_or_create(
        programme=programme,
        membership=host_partner,
        defaults={"organisation_id": programme.organisation_id},
    )
    if created:
        record_action(
            EventType.HOST_PARTNER_ASSIGNED,
            membership,
            programme,
            {"membership_id": host_partner.pk},
        )
    return assignment
