"""Referral to independent counsel: each organisation's legal-aid partners by host state, referrals,
and the referral pack the defender chose item by item, exported age-encrypted."""

from django.apps import AppConfig


class CounselConfig(AppConfig):
    name = "haven.counsel"
    label = "counsel"
    verbose_name = "Referral to counsel"

    def ready(self) -> None:
        from haven.counsel import access, pack  # noqa: F401 (pack registers its providers)

        access.install()
