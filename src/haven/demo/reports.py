"""The demo's cases counted by risk level, country and profile once, as the worker does hourly."""

from haven.demo import DemoLogin
from haven.reports.profiles import recount_all_profiles


def seed_profile_tallies() -> list[DemoLogin]:
    recount_all_profiles()
    return []
