"""
How a ``haven`` command is declared, and how it refuses.

A command's handler documents it: the first paragraph of the handler's docstring is the one line
its group lists under ``--help``, the rest the description its own ``--help`` prints (argparse
refills both, so the docstring's line breaks never show). A handler takes the parsed arguments and
returns the exit status.
"""

import argparse
import inspect
import sys
from collections.abc import Callable
from typing import TypeAlias

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


def command_group(subparsers: Subparsers, name: str, *, summary: str) -> Subparsers:
    """Add ``haven NAME COMMAND``: a group whose commands the caller adds to what this returns."""
    group = subparsers.add_parser(name, help=summary)
    return group.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)


def add_command(subparsers: Subparsers, name: str, handler: Handler) -> argparse.ArgumentParser:
    """Add the command ``name`` run by ``handler`` and described by its docstring."""
    summary, _, description = inspect.cleandoc(handler.__doc__ or "").partition("\n\n")
    parser = subparsers.add_parser(name, help=summary, description=description or None)
    parser.set_defaults(handler=handler)
    return parser


def refuse(command: str, message: object, *, status: int = 2) -> int:
    """Say on stderr why ``haven COMMAND`` stopped and return its exit status (2: bad input)."""
    print(f"haven {command}: {message}", file=sys.stderr)
    return status
