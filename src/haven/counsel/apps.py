"""Referral to independent counsel: each organisation's legal-aid partners by host state, referrals,
and the referral pack the defender chose item by item, exported age-encrypted."""

from haven.organisations.app_config import HavenAppConfig


class CounselConfig(HavenAppConfig):
    verbose_name = "Referral to counsel"
    # The pack registers its providers (what a referral pack may hold) when imported.
    registering_modules = ("haven.counsel.pack",)
    installs = ("haven.counsel.access.install",)
