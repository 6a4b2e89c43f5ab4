"""The platform's demo seed: two fictional organisations and one person per role in each."""

import secrets

from django.db import transaction

from haven.accounts import totp
from haven.accounts.acting import SYSTEM
from haven.accounts.models import User
from haven.accounts.services import organisation_create
from haven.demo import DemoLogin, require_demo_settings
from haven.organisations.models import Membership, Organisation, Role

# Printed by `haven demo`; usable only on a demo database, which is never production.
DEMO_PASSWORD = "demo only: harbour lights"  # noqa: S105

ORGANISATIONS = [
    ("harbour-light", "Harbour Light (fictional)", "harbour"),
    ("north-star", "North Star Aid (fictional)", "northstar"),
]


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
    return user


@transaction.atomic
def seed_platform() -> list[DemoLogin]:
    """Create (once) the demo organisations and people; return everyone's login details."""
    require_demo_settings()
    logins = []
    for slug, name, short in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=slug).first() or organisation_create(
            membership=SYSTEM, slug=slug, name=name
        )
        for role in Role:
            user = _user(f"{role.value}.{short}")
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            device = totp.confirmed_device(user) or totp.create_device_with_secret(
                user, secrets.token_bytes(20)
            )
            logins.append(
                DemoLogin(
                    organisation=organisation.name,
                    role=str(role.label),
                    username=user.username,
                    password=DEMO_PASSWORD,
                    totp_secret=totp.secret_text(device),
                )
            )
    return logins
