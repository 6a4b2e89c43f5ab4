"""Opening a case for a new defender, and replacing every fact of one (the import)."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.accounts.acting import Acting, acting_user, record_action
from haven.audit.events import EventType
from haven.cases.facts_mapping import SplitFacts, split_facts
from haven.cases.models import (
    URGENCY_RANK,
    Case,
    CaseDefender,
    Dependant,
    Prosecution,
    Threat,
    Urgency,
)
from haven.cases.services.access import access_list_add
from haven.cases.services.defenders import defender_create
from haven.cases.services.guards import (
    check_live,
    check_permitted,
    check_permitted_in,
    check_urgency,
)
from haven.cases.services.records import case_update
from haven.organisations.codes import unused_code
from haven.organisations.models import Membership, Organisation
from haven.organisations.policy import Permission
from haven.vault.keyring import keyring_scope


def _new_case_code(organisation: Organisation) -> str:
    """Return a code no case of the organisation has yet (random, see ``unused_code``)."""
    cases = Case.objects.filter(organisation=organisation)
    return unused_code("HV-", taken=lambda code: cases.filter(code=code).exists())


@transaction.atomic
def case_open(
    *,
    membership: Acting,
    organisation: Organisation,
    identity: Mapping[str, Any],
    facts: Mapping[str, Any],
    external_reference: str | None = None,
    code: str | None = None,
    urgency: str = Urgency.ROUTINE,
    assign_opener: bool = False,
) -> Case:
    """
    Open a case for a new defender and return it.

    Creates the defender (own data key), the case (own data key, encrypted facts and external
    reference), the link between them, and one row per threat, prosecution and dependant found
    in ``facts`` (``facts_mapping.split_facts``); the caller has checked that ``facts`` follow the
    case-facts schema. With ``assign_opener`` the member who opens the case is put on its access
    list in the same step, so they can go on working on it (the intake form and portal triage
    do): the one way onto a team without CASE_ASSIGN, and only onto the case one is opening.
    Permission: CASE_OPEN in ``organisation``, checked here (Http404 otherwise, AZ-02). Side
    effects: one ``case.opened`` event, and ``case.assigned`` for an opener put on the team.
    Raises CaseError when the identity is incomplete.
    """
    check_permitted_in(membership, Permission.CASE_OPEN, organisation)
    check_urgency(urgency)
    with keyring_scope() as ring:
        defender = defender_create(organisation=organisation, identity=identity)
        split = split_facts(facts)
        case = Case(
            organisation=organisation,
            code=code or _new_case_code(organisation),
            urgency=urgency,
            urgency_rank=URGENCY_RANK[Urgency(urgency)],
        )
        case.facts = split.document
        case.external_reference = external_reference
        case.data_key = ring.create_data_key(case.vault_key_ref())
        case.save()
        CaseDefender.objects.create(case=case, defender=defender)
        _records_create(membership=membership, case=case, split=split)
        record_action(
            EventType.CASE_OPENED, membership, case, {"code": case.code, "defender_id": defender.pk}
        )
        if assign_opener and isinstance(membership, Membership):
            access_list_add(membership=membership, case=case, assignee=membership)
    return case


def _records_create(*, membership: Acting, case: Case, split: SplitFacts) -> None:
    """Store the threats, prosecutions and dependants of a facts document as rows, in order."""
    start = timezone.now()
    tick = datetime.timedelta(microseconds=1)
    common = {
        "case": case,
        "organisation_id": case.organisation_id,
        "recorded_by": acting_user(membership),
    }
    for index, (details, note) in enumerate(split.threats):
        Threat(**common, details=details, narrative=note, recorded_at=start + index * tick).save()
    for index, details in enumerate(split.prosecutions):
        Prosecution(**common, details=details, recorded_at=start + index * tick).save()
    for index, details in enumerate(split.dependants):
        Dependant(**common, details=details, recorded_at=start + index * tick).save()


def case_replace_facts(*, membership: Acting, case: Case, facts: Mapping[str, Any]) -> Case:
    """
    Replace every fact of a case with ``facts`` (an import of a case that exists).

    The threat, prosecution and dependant rows are replaced by those of the document. Runs in the
    caller's transaction. Permission: CASE_EDIT on the case, checked here before anything is
    deleted (Http404 otherwise, AZ-02). Side effect: one ``case.updated`` event. Raises CaseError
    for an erased case.
    """
    check_permitted(membership, Permission.CASE_EDIT, case)
    check_live(case)
    split = split_facts(facts)
    Threat.objects.filter(case=case).delete()
    Prosecution.objects.filter(case=case).delete()
    Dependant.objects.filter(case=case).delete()
    _records_create(membership=membership, case=case, split=split)
    return case_update(membership=membership, case=case, facts=split.document)
