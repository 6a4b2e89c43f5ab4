"""``haven orgs list`` and ``haven orgs create``."""

import argparse
import sys

from haven.cli import django_setup


def list_orgs(args: argparse.Namespace) -> int:
    django_setup.setup()
    from haven.organisations.models import Organisation

    for organisation in Organisation.objects.order_by("slug"):
        state = "" if organisation.is_active else "\t(inactive)"
        print(f"{organisation.slug}\t{organisation.name}{state}")
    return 0


def create_org(args: argparse.Namespace) -> int:
    django_setup.setup()
    from django.core.exceptions import ValidationError

    from haven.accounts.acting import SYSTEM
    from haven.accounts.services import organisation_create

    try:
        organisation = organisation_create(membership=SYSTEM, slug=args.slug, name=args.name)
    except ValidationError as error:
        for message in error.messages:
            print(f"haven orgs create: {message}", file=sys.stderr)
        return 2
    print(organisation.slug)
    return 0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    orgs = subparsers.add_parser("orgs", help="list and create organisations (tenants)")
    commands = orgs.add_subparsers(dest="orgs_command", metavar="COMMAND", required=True)
    commands.add_parser(
        "list",
        help="print one organisation per line: slug, tab, name",
        description="Print one organisation per line, slug first.",
    ).set_defaults(handler=list_orgs)
    create = commands.add_parser(
        "create", help="create an organisation", description="Create an organisation (a tenant)."
    )
    create.add_argument("slug", help="short lowercase identifier, e.g. shelter-north")
    create.add_argument("--name", required=True, help="the organisation's display name")
    create.set_defaults(handler=create_org)
