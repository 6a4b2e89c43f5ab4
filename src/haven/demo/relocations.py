"""
The relocation demo seed: in each demo organisation, six fictional defenders at every stage of a
stay, built through the real services so the records, the lifecycle and the reminders are what
real use would leave: before departure (visa pending), in the stay with an overdue check-in,
an extension waiting, a return review due, returned with follow-ups, and one whose return review
decided for asylum and whose case was handed to the asylum bridge.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from haven.cases.models import Case, CaseStatus
from haven.cases.services import case_assign, case_open, case_transition
from haven.demo import DemoLogin, require_demo_settings
from haven.fictional.identities import fictional_identity
from haven.organisations.models import Membership, Organisation, Role
from haven.programmes.models import ApplicationRoute, Programme
from haven.programmes.services import (
    application_change_status,
    application_create,
    application_record_consent,
)
from haven.relocations import returns, services
from haven.relocations.models import Stay, VisaOutcome
from haven.relocations.reminders import remind, shred_due_travel_plans

#: The demo stays are at ProtectDefenders.eu's programme: up to 12 months, so extensions fit.
DEMO_PROGRAMME = "protectdefenders_eu_tr"
DEMO_FACTS = {
    "schema": "haven.case-facts/1",
    "defender": {
        "nationalities": ["HN"],
        "current_country": "HN",
        "languages": ["es", "en"],
        "profiles": ["environmental", "indigenous"],
        "activities": ["land_and_environment"],
        "peaceful_means": True,
        "accepts_universality": True,
        "intends_to_return": True,
    },
    "threats": [
        {"kind": "death_threat", "date": "2026-06-01", "linked_to_work": True, "ongoing": True}
    ],
    "context": {"country": "HN"},
}


def _today() -> datetime.date:
    return timezone.localdate()


def _ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


def _member(organisation: Organisation, role: Role) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        organisation=organisation, role=role, user__username__startswith=role.value
    )


def _stay(
    organisation: Organisation,
    programme: Programme,
    coordinator: Membership,
    caseworker: Membership,
    *,
    seed: int,
    start: datetime.date,
    months: int,
) -> Stay:
    rng = random.Random(seed)  # noqa: S311 (fictional data, not a secret)
    identity = fictional_identity(rng, number=seed, birth_year=1980 + seed % 15)
    case = case_open(
        membership=coordinator,
        organisation=organisation,
        identity={"legal_name": identity.legal_name, "document_number": identity.document_number},
        facts=DEMO_FACTS,
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.APPLYING)
    case.status = CaseStatus.APPLYING
    case_assign(membership=coordinator, case=case, assignee=caseworker)
    application = application_create(
        membership=caseworker, case=case, programme=programme, route=ApplicationRoute.NOMINATED
    )
    application_record_consent(membership=caseworker, application=application)
    for status in ("submitted", "shortlisted", "offered"):
        application = application_change_status(
            membership=coordinator, application=application, status=status
        )
    return services.stay_open(
        membership=coordinator,
        application=application,
        host_city="Madrid",
        host_country="ES",
        planned_start=start,
        planned_end=start + datetime.timedelta(days=30 * months),
        needs="Quiet room; vegetarian meals.",
    )


def _spanish_visa(
    stay: Stay,
    member: Membership,
    outcome: VisaOutcome,
    *,
    lodged_on: datetime.date,
    decided_on: datetime.date | None = None,
) -> None:
    """The demo programme's visa: national long-stay, at one fictional consulate; a grant covers the stay."""
    granted = outcome == VisaOutcome.GRANTED
    services.visa_record(
        membership=member,
        stay=stay,
        route="national_long_stay",
        outcome=outcome,
        consulate="Consulate of Spain (fictional desk)",
        lodged_on=lodged_on,
        decided_on=decided_on,
        valid_from=stay.planned_start if granted else None,
        valid_until=stay.planned_end if granted else None,
    )


def _arrive(stay: Stay, member: Membership) -> Stay:
    _spanish_visa(
        stay,
        member,
        VisaOutcome.GRANTED,
        lodged_on=stay.planned_start - datetime.timedelta(days=40),
        decided_on=stay.planned_start - datetime.timedelta(days=20),
    )
    services.preparation_save(
        membership=member,
        stay=stay,
        travel_plan="Overland to a neighbouring capital, then a direct flight; call on landing.",
        digital_check_done=True,
        insurance={"insurer": "Fictional Mutual", "mental_health": True},
        stipend={"amount": "950", "currency": "EUR", "channel": "host_bank_account"},
        expectations_acknowledged_on=stay.planned_start - datetime.timedelta(days=30),
    )
    return services.arrival_confirm(
        membership=member, stay=stay, arrived_on=stay.planned_start, housing_handed_over=True
    )


def _review(stay: Stay, coordinator: Membership, *, decision: str) -> None:
    services.check_in_record(
        membership=coordinator,
        stay=stay,
        done_on=stay.planned_start + datetime.timedelta(days=3),
        mode="in_person",
        flags=["rested"],
    )
    returns.return_review_open(
        membership=coordinator, stay=stay, staff_risk_level="high", defender_risk_level="critical"
    )
    returns.return_review_decide(
        membership=coordinator,
        stay=stay,
        options=["return", "extension", "asylum"],
        defender_preference=decision,
        staff_decision=decision,
        legal_advice_offered=True,
    )


def _seed(organisation: Organisation, seed: int) -> None:
    programme = Programme.objects.filter(
        organisation=organisation, catalogue_id=DEMO_PROGRAMME
    ).first()
    if programme is None or Stay.objects.filter(organisation=organisation).exists():
        return
    coordinator = _member(organisation, Role.COORDINATOR)
    caseworker = _member(organisation, Role.CASEWORKER)
    legal = _member(organisation, Role.LEGAL_ADVISER)

    def stay(offset: int, start: datetime.date, months: int) -> Stay:
        return _stay(
            organisation,
            programme,
            coordinator,
            caseworker,
            seed=seed + offset,
            start=start,
            months=months,
        )

    # Before departure: the visa is lodged and waiting.
    before = stay(1, _ago(-35), 6)
    _spanish_visa(before, coordinator, VisaOutcome.PENDING, lodged_on=_ago(5))
    # Its passport ends two months after the planned end: "Passport expiring" on My cases.
    services.preparation_save(
        membership=coordinator,
        stay=before,
        travel_plan="",
        digital_check_done=False,
        insurance={},
        stipend={},
        expectations_acknowledged_on=None,
        passport_expires_on=before.planned_end + datetime.timedelta(days=60),
    )
    # In the stay, no check-in since arriving 9 days ago: the first one is overdue on My cases.
    _arrive(stay(2, _ago(9), 6), coordinator)
    # An extension waiting for the coordinator.
    extending = _arrive(stay(3, _ago(70), 4), coordinator)
    services.check_in_record(
        membership=caseworker, stay=extending, done_on=_ago(66), mode="call", flags=[]
    )
    services.extension_request(
        membership=caseworker,
        stay=extending,
        ground="risk_unchanged",
        requested_end=extending.planned_end + datetime.timedelta(days=90),
        evidence="New threats against the community radio since the defender left.",
    )
    # A return review due: it fell due two days ago, six weeks before the end of the stay.
    reviewing = _arrive(stay(4, _ago(50), 3), coordinator)
    services.check_in_record(
        membership=caseworker, stay=reviewing, done_on=_ago(46), mode="call", flags=[]
    )
    # Returned, with follow-ups scheduled.
    returned = _arrive(stay(5, _ago(88), 3), coordinator)
    _review(returned, coordinator, decision="return")
    returns.return_plan_save(
        membership=coordinator,
        stay=returned,
        security_plan="Met at arrivals by a colleague; new phone; first 72 hours away from home.",
        contacts="Regional protection desk (fictional).",
        support="Emergency grant requested.",
    )
    returns.return_record(membership=coordinator, stay=returned, returned_on=_ago(1))
    # Handed to the asylum bridge: the review decided for asylum; the legal adviser opened it.
    asylum = _arrive(stay(6, _ago(85), 3), coordinator)
    _review(asylum, coordinator, decision="asylum")
    case_assign(membership=coordinator, case=asylum.case, assignee=legal)
    case_transition(
        membership=legal, case=asylum.case, target=CaseStatus.ASYLUM_BRIDGE, confirmed=[]
    )
    # Landed eight hours ago and nobody has confirmed it: the arrival alert is on My cases.
    landing = stay(7, _ago(1), 3)
    services.visa_record(
        membership=coordinator, stay=landing, route="visa_free", outcome=VisaOutcome.NOT_REQUIRED
    )
    services.preparation_save(
        membership=coordinator,
        stay=landing,
        travel_plan="Direct flight; the host meets the defender at arrivals.",
        digital_check_done=True,
        insurance={"insurer": "Fictional Mutual"},
        stipend={},
        expectations_acknowledged_on=_ago(10),
        flight_details="Fictional flight XX 000, seat withheld.",
        expected_arrival=timezone.now() - datetime.timedelta(hours=8),
    )
    # Cancelled before departure: the visa was refused; the travel plan was shredded with it.
    cancelled = stay(8, _ago(-20), 3)
    services.stay_cancel(
        membership=coordinator,
        stay=cancelled,
        ground="visa_refused",
        on=_today(),
        note="The consulate refused the visa; the defender may apply to another programme.",
    )
    remind()
    # Stays that arrived more than thirty days ago have their travel plans shredded by the job.
    shred_due_travel_plans()


@transaction.atomic
def seed_relocations() -> list[DemoLogin]:
    """Seed the demo stays of every demo organisation (once); no new logins."""
    require_demo_settings()
    for index, organisation in enumerate(Organisation.objects.order_by("slug")):
        _seed(organisation, 9000 + 100 * index)
    return []
