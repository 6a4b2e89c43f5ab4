"""
The age options of the commands that write or read encrypted files (backup, restore, cases).

A file is sealed to a passphrase (``--passphrase-file``) or to an X25519 ``--recipient``, and
opened with the passphrase or an ``--identity-file``; each command words the options' help for
its own reader. ``haven.vault.archives`` is imported when a command runs, not when the ``haven``
parser is built, so commands that encrypt nothing start without it.
"""

import argparse
from typing import Any


def add_sealing_options(
    parser: argparse.ArgumentParser, passphrase_help: str, recipient_help: str, /
) -> None:
    """Require exactly one of ``--passphrase-file`` and ``--recipient``, helped in that order."""
    secret = parser.add_mutually_exclusive_group(required=True)
    secret.add_argument("--passphrase-file", help=passphrase_help)
    secret.add_argument("--recipient", help=recipient_help)


def add_opening_options(
    parser: argparse.ArgumentParser, passphrase_help: str, identity_help: str, /, *, required: bool
) -> None:
    """Accept one of ``--passphrase-file`` and ``--identity-file``, helped in that order (at most
    one, or exactly one when ``required``)."""
    secret = parser.add_mutually_exclusive_group(required=required)
    secret.add_argument("--passphrase-file", help=passphrase_help)
    secret.add_argument("--identity-file", help=identity_help)


def sealed_to(args: argparse.Namespace) -> dict[str, Any]:
    """The ``passphrase`` or ``recipients`` keyword of ``archives.encrypt*`` the options chose."""
    from haven.vault import archives

    if args.passphrase_file:
        return {"passphrase": archives.read_passphrase_file(args.passphrase_file)}
    return {"recipients": [archives.parse_recipient(args.recipient)]}


def opened_with(args: argparse.Namespace) -> dict[str, Any]:
    """The ``passphrase`` or ``identities`` keyword of ``archives.decrypt*`` the options chose."""
    from haven.vault import archives

    if args.passphrase_file:
        return {"passphrase": archives.read_passphrase_file(args.passphrase_file)}
    return {"identities": archives.read_identity_file(args.identity_file)}
