"""
Who may reach the legal-aid directory and referrals to counsel (AZ-03, need-to-know).

Coordinators keep the directory. Referrals are made and exported by the case team (coordinators,
caseworkers and legal advisers) for the cases they see, through the case's own rule. Host
partners, analysts and auditors get neither permission, so every counsel page answers them 404:
nothing about counsel, a referral or a claim reaches a host programme: that a defender considers
asylum is never shared without their consent.
"""

from haven.organisations.models import Role
from haven.organisations.policy import Permission, grant


def install() -> None:
    """Grant the counsel permissions (app start-up)."""
    grant(Role.COORDINATOR, Permission.COUNSEL_DIRECTORY_MANAGE, Permission.COUNSEL_REFER)
    grant(Role.CASEWORKER, Permission.COUNSEL_REFER)
    grant(Role.LEGAL_ADVISER, Permission.COUNSEL_REFER)
