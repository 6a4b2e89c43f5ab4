"""
Fictional programmes, windows, cases and applications for the programmes tests, built through the
real services. Every person is invented; "Harbour Test Fellowship" is not a real programme.
"""

import datetime
from typing import Any

from haven.accounts.acting import SYSTEM
from haven.cases.services import case_assign, case_open
from haven.organisations.models import Membership, Role
from haven.programmes import services
from haven.programmes.models import ApplicationRoute, Programme
from tests.acting import acting
from tests.programmes.fictional_facts import fictional_facts


def open_fictional_case(
    organisation,
    actor=None,
    *,
    name: str = "Ilse Marrowfield",
    urgency: str = "routine",
    **facts: Any,
):
    """
    A case opened by ``actor`` (``SYSTEM`` when none). Anyone but a coordinator (who sees every
    case already) is then put on its team, as the intake form does, so they may write to it.
    """
    case = case_open(
        membership=acting(actor),
        organisation=organisation,
        identity={"legal_name": f"{name} (fictional)"},
        facts=fictional_facts(**facts),
        urgency=urgency,
    )
    if actor is None or acting(actor).role == Role.COORDINATOR:
        return case
    return assign(case, actor)


def assign(case, user):
    """Put ``user`` on the case's team through the cases service, as a coordinator would."""
    membership = Membership.objects.get(user=user, organisation_id=case.organisation_id)
    case_assign(membership=SYSTEM, case=case, assignee=membership)
    return case


def make_programme(organisation, catalogue_id: str = "harbour_test_fellowship", **fields: Any):
    values = {
        "name": "Harbour Test Fellowship (fictional)",
        "kind": "temporary_relocation",
        "scope": "international",
        "host_countries": ["NL"],
        "eligible_profiles": ["any_hrd"],
        "languages_required": ["en"],
        "requires_return_intent": True,
        "family_allowed": True,
        "requires_refugee_status": False,
        "provides": ["housing", "psychosocial"],
        "asylum_policy": "Relocation is temporary; the fellowship does not support asylum claims.",
    }
    values.update(fields)
    return Programme.objects.create(organisation=organisation, catalogue_id=catalogue_id, **values)


def make_window(programme, actor=None, *, places: int = 2, beds: int | None = None, **fields: Any):
    capacities = {"places": places} | ({"beds": beds} if beds is not None else {})
    data = {
        "name": "Spring cohort",
        "opens_on": datetime.date(2027, 1, 1),
        "closes_on": datetime.date(2027, 2, 1),
        "stay_starts_on": datetime.date(2027, 4, 1),
        "stay_ends_on": datetime.date(2027, 7, 1),
        "host_country": "",
        "capacities": capacities,
        "status": "open",
    } | fields
    return services.intake_window_save(membership=acting(actor), programme=programme, data=data)


def submitted_application(actor, case, programme, window=None, *, rank: int | None = None):
    """A draft started, consented to and submitted, as a caseworker would."""
    application = services.application_create(
        membership=acting(actor),
        case=case,
        programme=programme,
        intake_window=window,
        route=ApplicationRoute.APPLIED,
        preference_rank=rank,
    )
    services.application_record_consent(membership=acting(actor), application=application)
    return services.application_change_status(
        membership=acting(actor), application=application, status="submitted"
    )
