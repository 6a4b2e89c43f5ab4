"""``haven orgs list`` and ``haven orgs create``."""

import argparse
import sys
from typing import TYPE_CHECKING

from haven.cli.commands import Subparsers, add_command, command_group
from haven.cli.django_setup import needs_django

if TYPE_CHECKING:
    from haven.organisations.models import Organisation


def organisation_by_slug(slug: str) -> "Organisation | None":
    """The organisation a command names by its slug (``--org`` or an argument), if there is one."""
    from haven.organisations.models import Organisation

    return Organisation.objects.filter(slug=slug).first()


@needs_django
def list_orgs(args: argparse.Namespace) -> int:
    """print one organisation per line: slug, tab, name

    Print one organisation per line, slug first.
    """
    from haven.organisations.models import Organisation

    for organisation in Organisation.objects.order_by("slug"):
        state = "" if organisation.is_active else "\t(inactive)"
        print(f"{organisation.slug}\t{organisation.name}{state}")
    return 0


@needs_django
def create_org(args: argparse.Namespace) -> int:
    """create an organisation

    Create an organisation (a tenant).
    """
    from django.core.exceptions import ValidationError

    from haven.accounts.acting import SYSTEM
    from haven.accounts.services import OrganisationError, organisation_create

    try:
        organisation = organisation_create(membership=SYSTEM, slug=args.slug, name=args.name)
    except (ValidationError, OrganisationError) as error:
        # A slug Django's validators refuse (a message for each reason), or one already taken.
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        for message in messages:
            print(f"haven orgs create: {message}", file=sys.stderr)
        return 2
    print(organisation.slug)
    return 0


def register(subparsers: Subparsers) -> None:
    commands = command_group(subparsers, "orgs", summary="list and create organisations (tenants)")
    add_command(commands, "list", list_orgs)
    create = add_command(commands, "create", create_org)
    create.add_argument("slug", help="short lowercase identifier, e.g. shelter-north")
    create.add_argument("--name", required=True, help="the organisation's display name")
