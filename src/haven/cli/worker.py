"""
``haven worker``: the background worker, run beside the server (``haven demo`` starts one).

Every ``--interval`` seconds it enqueues the stay reminder job, the travel-plan shredding job and
the retry of stored-file deletions that failed after an erasure (``haven.vault.storage``: each
file is tried again with a doubling delay until it is gone), every hour the recount of cases by risk level, country and profile (``haven.reports.profiles``),
and then works through the
django-tasks database queue (``db_worker --batch``): reminders, and any other job the apps
enqueue. Reminders appear in the app only; nothing is ever sent by e-mail.
"""

import argparse
import time

from haven.cli.commands import Subparsers, add_command
from haven.cli.django_setup import needs_django


@needs_django
def worker(args: argparse.Namespace) -> int:
    """run background jobs (stay reminders, retried file deletions) from the queue

    Enqueue the background jobs on a schedule and run the database task queue: stay reminders
    (shown in Haven only, never e-mailed), travel plans due for shredding, the hourly report counts,
    and the deletion of erased cases' stored files that failed before (tried again with a doubling
    delay, up to a day, until they are gone; `haven vault verify` lists those still pending).
    """
    from django.core.management import call_command

    from haven.relocations.reminders import send_stay_reminders, shred_travel_plans
    from haven.reports.profiles import RECOUNT_EVERY, recount_profile_tallies
    from haven.vault.tasks import retry_file_deletions

    last_recount: float | None = None
    while True:
        send_stay_reminders.enqueue()
        shred_travel_plans.enqueue()
        retry_file_deletions.enqueue()
        if last_recount is None or time.monotonic() - last_recount >= RECOUNT_EVERY:
            recount_profile_tallies.enqueue()
            last_recount = time.monotonic()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        if args.once:
            return 0
        time.sleep(args.interval)


def register(subparsers: Subparsers) -> None:
    parser = add_command(subparsers, "worker", worker)
    parser.add_argument(
        "--interval",
        type=int,
        default=900,
        help="seconds between runs (default: %(default)s)",
    )
    parser.add_argument("--once", action="store_true", help="run the queue once and exit")
