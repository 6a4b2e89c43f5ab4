"""A defender's encrypted identity and the blind-index tokens that let staff find them again."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from haven.accounts.acting import Acting, record_action
from haven.audit.events import EventType
from haven.cases.errors import CaseError
from haven.cases.models import Case, CaseDefender, Defender
from haven.cases.services.guards import CASE_ERASED, check_permitted
from haven.organisations.models import Organisation
from haven.organisations.policy import Permission
from haven.vault.blind_index import blind_index_update
from haven.vault.keyring import keyring_scope

IDENTITY_FIELDS = (
    "legal_name",
    "other_names",
    "birth_date",
    "phone",
    "email",
    "document_number",
    "address",
)
LEGAL_NAME_REQUIRED = _("A defender needs a legal name.")
UNKNOWN_IDENTITY_FIELD = _("%(field)s is not an identity field.")


def _set_identity(defender: Defender, identity: Mapping[str, Any]) -> None:
    for name, value in identity.items():
        if name not in IDENTITY_FIELDS:
            raise CaseError(UNKNOWN_IDENTITY_FIELD, field=repr(name))
        setattr(defender, name, value)
    if not (defender.legal_name or "").strip():
        raise CaseError(LEGAL_NAME_REQUIRED)


@transaction.atomic
def defender_create(*, organisation: Organisation, identity: Mapping[str, Any]) -> Defender:
    """
    Create a defender with their own data key, encrypted identity and blind-index tokens.

    Only ``case_open`` calls it, and its ``case.opened`` event names the defender. Raises CaseError
    for a missing legal name or an unknown identity field; nothing is written then.
    """
    with keyring_scope() as ring:
        defender = Defender(organisation=organisation)
        _set_identity(defender, identity)
        defender.data_key = ring.create_data_key(defender.vault_key_ref())
        defender.save()
        blind_index_update(defender, ring)
    return defender


@transaction.atomic
def defender_update(
    *, membership: Acting, case: Case, defender: Defender, identity: Mapping[str, Any]
) -> Defender:
    """
    Replace the given identity fields of a defender of ``case`` and refresh their blind-index
    tokens.

    Permission: CASE_EDIT on the case, and the defender must be one of its defenders, checked
    here (Http404 otherwise, AZ-02). Side effect: one ``case.updated`` event naming the fields.
    Raises CaseError for an erased defender or an unknown identity field.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    if not CaseDefender.objects.filter(case=case, defender=defender).exists():
        raise Http404
    if defender.erased_at is not None:
        raise CaseError(CASE_ERASED)
    with keyring_scope() as ring:
        _set_identity(defender, identity)
        defender.save()
        blind_index_update(defender, ring)
        record_action(EventType.CASE_UPDATED, membership, defender, {"fields": sorted(identity)})
    return defender
