"""
Fictional demo data for ``haven demo``, on a demo database only.

Each part of Haven seeds its own data with one idempotent function listed in ``SEEDERS``; the
platform's comes first because later seeds need its organisations and people. Seeding refuses to
run unless the settings say ``HAVEN_DEMO = True`` (only the dev settings do), so demo accounts with
printed passwords can never appear in production.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

SEEDERS = [
    "haven.demo.platform.seed_platform",
    "haven.demo.cases.seed_cases",
    "haven.demo.programmes.seed_programmes",
    "haven.demo.portal.seed_portal",
    "haven.demo.relocations.seed_relocations",
    "haven.demo.portal.seed_portal_stay",
    "haven.demo.asylum.seed_asylum",
    "haven.demo.counsel.seed_counsel",
    # Last: counts every seeded case by risk level, country and profile.
    "haven.demo.reports.seed_profile_tallies",
]


class DemoRefusedError(RuntimeError):
    """Raised when asked to seed demo data outside a demo database."""


@dataclass(frozen=True)
class DemoLogin:
    organisation: str
    role: str
    username: str
    password: str
    totp_secret: str


def require_demo_settings() -> None:
    if not getattr(settings, "HAVEN_DEMO", False):
        raise DemoRefusedError(
            "Demo data is only seeded with the demo settings (HAVEN_DEMO = True); "
            "these settings are not a demo database."
        )


def seed_all() -> list[DemoLogin]:
    """Run every seeder in order and return the demo logins they report."""
    require_demo_settings()
    logins: list[DemoLogin] = []
    for path in SEEDERS:
        logins.extend(import_string(path)() or [])
    return logins
