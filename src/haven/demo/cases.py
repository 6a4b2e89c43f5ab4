"""
The cases demo seed: forty fictional cases, twenty per demo organisation, in every lifecycle
status but one, from several countries, so every screen has something to show.

Cases come from ``haven.fictional`` and go in through ``haven.cases.transfer`` like any import;
then each gets the status the generator chose for it, a team, an urgency, and (once past the
screening) an assessment run by the real engines. The generator's ``erased`` cases are left
closed: erasing needs two coordinators and would leave nothing to look at.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from haven.accounts.acting import SYSTEM
from haven.cases.models import URGENCY_RANK, Case, CaseStatus, StatusChange, Urgency
from haven.cases.services import assessment_decide, assessment_run, case_assign
from haven.cases.transfer import cases_import
from haven.demo import DemoLogin, require_demo_settings
from haven.demo.platform import ORGANISATIONS
from haven.fictional import generate_cases
from haven.organisations.models import Membership, Organisation, Role
from haven.vault.keyring import keyring_scope

CASES_PER_ORGANISATION = 20
CODE_PREFIX = "DEMO-"
ASSESSED_STATUSES = {
    CaseStatus.PATHWAY_PLANNING,
    CaseStatus.APPLYING,
    CaseStatus.RELOCATION_PREPARATION,
    CaseStatus.IN_RELOCATION,
    CaseStatus.RETURN_REVIEW,
    CaseStatus.RETURNED_FOLLOW_UP,
    CaseStatus.ONWARD_RELOCATION,
    CaseStatus.ASYLUM_BRIDGE,
}
LEVELS = ("low", "medium", "high", "critical")


def _member(organisation: Organisation, role: Role) -> Membership:
    return Membership.objects.select_related("user").get(
        organisation=organisation, role=role, user__username__endswith=_short(organisation)
    )


def _short(organisation: Organisation) -> str:
    return next(short for slug, _name, short in ORGANISATIONS if slug == organisation.slug)


@transaction.atomic
def _seed_organisation(organisation: Organisation, seed: int) -> None:
    generated = generate_cases(CASES_PER_ORGANISATION, seed=seed, organisation=organisation.slug)
    prefix = f"{CODE_PREFIX}{_short(organisation)[:2].upper()}-"
    for number, item in enumerate(generated.document["cases"], start=1):
        item["code"] = f"{prefix}{number:02d}"
    coordinator = _member(organisation, Role.COORDINATOR)
    caseworker = _member(organisation, Role.CASEWORKER)
    adviser = _member(organisation, Role.LEGAL_ADVISER)
    cases_import(membership=SYSTEM, organisation=organisation, document=generated.document)
    rng = random.Random(seed)  # noqa: S311 (fictional data, not a secret)
    today = timezone.localdate()
    with keyring_scope():
        for item in generated.document["cases"]:
            case = Case.objects.select_related("data_key__organisation_key").get(
                organisation=organisation, code=item["code"]
            )
            status = CaseStatus(generated.statuses[item["external_reference"]].value)
            if status == CaseStatus.ERASED:
                status = CaseStatus.CLOSED
            urgency = rng.choice(
                (Urgency.ROUTINE, Urgency.ROUTINE, Urgency.PRIORITY, Urgency.EMERGENCY)
            )
            due = (
                today + datetime.timedelta(days=rng.randint(-3, 30)) if rng.random() < 0.7 else None
            )
            Case.objects.filter(pk=case.pk).update(
                status=status, urgency=urgency, urgency_rank=URGENCY_RANK[urgency], next_due_on=due
            )
            case.status = status
            if status != CaseStatus.INTAKE:
                StatusChange(
                    case=case,
                    organisation=organisation,
                    recorded_by=coordinator.user,
                    from_status=CaseStatus.INTAKE,
                    to_status=status,
                    confirmed=["demo_seed"],
                    reason="Fictional demo case placed directly in this status.",
                ).save()
            team = [coordinator] if rng.random() < 0.3 else []
            if rng.random() < 0.8:
                team.append(caseworker)
            if status in (CaseStatus.ASYLUM_BRIDGE, CaseStatus.RETURN_REVIEW):
                team.append(adviser)
            for member in team or [caseworker]:
                case_assign(membership=coordinator, case=case, assignee=member)
            if status in ASSESSED_STATUSES:
                # Someone on the case's team runs the engines: the case is out of sight of others.
                assessor = (team or [caseworker])[-1]
                assessment = assessment_run(
                    membership=assessor, case=case, defender_risk_level=None
                )
                assessment_decide(
                    membership=assessor,
                    assessment=assessment,
                    staff_risk_level=rng.choice(LEVELS[1:]),
                    reasons="Fictional demo decision, made after reading the engines' result.",
                )


def seed_cases() -> list[DemoLogin]:
    """Seed (once) the demo cases of both organisations; reports no logins of its own."""
    require_demo_settings()
    for index, (slug, _name, _short_name) in enumerate(ORGANISATIONS):
        organisation = Organisation.objects.get(slug=slug)
        if Case.objects.filter(organisation=organisation, code__startswith=CODE_PREFIX).exists():
            continue
        _seed_organisation(organisation, seed=2026 + index)
    return []
