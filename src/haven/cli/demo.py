"""``haven demo``: a working Haven on this machine with fictional data, in one command."""

import argparse
import os

from haven.cli import serving
from haven.cli.commands import Subparsers, add_command, refuse
from haven.cli.django_setup import needs_django

DEFAULT_PORT = 8000


@needs_django
def demo(args: argparse.Namespace) -> int:
    """migrate, seed fictional demo data and serve Haven on 127.0.0.1 with gunicorn

    Create or update the embedded demo database (.haven/), seed two fictional organisations with
    one account per role, print their logins and serve Haven on 127.0.0.1 with gunicorn, as
    production serves it. Refuses to run with production settings.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from haven.accounts import totp
    from haven.accounts.models import User
    from haven.demo import DemoRefusedError, require_demo_settings, seed_all
    from haven.vault.masterkey import ensure_demo_master_key

    try:
        require_demo_settings()
    except DemoRefusedError as refusal:
        return refuse("demo", refusal)
    if args.code:
        user = User.objects.filter(username=args.code).first()
        device = totp.confirmed_device(user) if user else None
        if device is None:
            return refuse("demo", f"no demo account named {args.code!r}")
        print(totp.current_code(totp.secret_bytes(device)))
        return 0
    master_key_file = settings.HAVEN_MASTER_KEY_FILE
    if master_key_file and ensure_demo_master_key(master_key_file):
        print(
            f"Created the demo master key at {master_key_file} (mode 0600, never in the database).\n"
        )
    call_command("migrate", verbosity=0, interactive=False)
    logins = seed_all()
    listener = None
    if not args.no_serve:
        # Bound here and handed to gunicorn: the address printed below is the one served (also
        # for --port 0, a free port), and no other program can take it in between.
        try:
            listener = serving.listen_on_loopback(args.port)
        except OSError as error:
            return refuse(
                "demo",
                f"cannot serve on {serving.LOOPBACK}:{args.port} ({error.strerror}); choose "
                "another port with --port (0 picks a free one)",
            )
    print("Haven demo: fictional organisations and people only. Do not enter real data.\n")
    print(f"Every demo account's password: {logins[0].password}")
    print("Second factor: add the secret to an authenticator app, or print the current code with")
    print("  haven demo --code USERNAME\n")
    print(f"{'username':<28}{'organisation':<30}{'role':<16}TOTP secret")
    for login in logins:
        print(f"{login.username:<28}{login.organisation:<30}{login.role:<16}{login.totp_secret}")
    if listener is None:
        return 0
    host, port = listener.getsockname()
    print(f"\nOpen http://{host}:{port}/ and sign in. Stop with Ctrl+C.", flush=True)
    # The served processes open their own connections; none may inherit this one.
    connections.close_all()
    return serving.serve_demo(
        listener=listener, settings_module=os.environ["DJANGO_SETTINGS_MODULE"]
    )


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "demo", demo)
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or DEFAULT_PORT),
        help="port to serve on (default: $PORT or 8000; 0 picks a free port)",
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="migrate, seed and print the logins, then exit"
    )
    parser.add_argument(
        "--code",
        metavar="USERNAME",
        help="print the current TOTP code of a demo account and exit",
    )
