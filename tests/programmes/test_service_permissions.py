"""
Every programmes write checks its permission itself (issue 9): called directly, as the ``haven``
command or the API would, a role without the permission is refused with a ProgrammeError, and a
member who may not see the object (another organisation, or a case off their team) is answered
Http404 like a missing one. Either way nothing is written and no event is recorded.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import pytest
from django.http import Http404

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from haven.programmes import services
from haven.programmes.models import (
    Application,
    HostPartnerAssignment,
    IntakeWindow,
    MatchingRun,
    MatchingRunStatus,
    Programme,
)
from haven.programmes.selectors import matching_run_get, matching_run_list
from haven.programmes.services import (
    ProgrammeError,
    application_change_status,
    application_check_eligibility,
    application_create,
    application_record_consent,
    host_partner_assign,
    intake_window_save,
    matching_run_approve,
    matching_run_create,
    programme_catalogue_seed,
    programme_update,
)
from haven.programmes.services.applications import NOT_AN_APPLICATIONS_MANAGER
from haven.programmes.services.guards import NOT_A_PROGRAMME_MANAGER
from haven.programmes.services.matching import NOT_A_MATCHER
from tests.acting import acting
from tests.conftest import make_member
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)

#: What each refused write might have left behind, read before and after the call.
WRITTEN: tuple[Callable[[], Any], ...] = (
    lambda: AuditEvent.objects.count(),
    lambda: sorted(
        Application.objects.values_list(
            "pk", "status", "updated_at", "consent_recorded_at", "intake_window_id"
        )
    ),
    lambda: sorted(Programme.objects.values_list("pk", "name", "updated_at")),
    lambda: HostPartnerAssignment.objects.count(),
    lambda: IntakeWindow.objects.count(),
)


@contextmanager
def nothing_written() -> Iterator[None]:
    before = [read() for read in WRITTEN]
    yield
    assert [read() for read in WRITTEN] == before


def refused_as_role(call: Callable[[], Any], message: Any) -> None:
    with nothing_written(), pytest.raises(ProgrammeError) as refusal:
        call()
    assert str(refusal.value) == str(message)


def refused_as_missing(call: Callable[[], Any]) -> None:
    with nothing_written(), pytest.raises(Http404):
        call()


@pytest.fixture
def people(personas, outsider, organisation, other_organisation):
    """The acting memberships: every Harbour Light role, and North Star's coordinator."""
    members = {role: acting(user) for role, user in personas.items()}
    return members | {"outsider": acting(outsider, other_organisation)}


@pytest.fixture
def draft(organisation, people):
    """A draft application of a case the Harbour Light caseworker is on the team of."""
    case = open_fictional_case(organisation, people[Role.CASEWORKER].user)
    return application_create(
        membership=people[Role.CASEWORKER],
        case=case,
        programme=make_programme(organisation),
        route="nominated",
    )


def test_starting_an_application_is_refused_without_the_permission_or_the_case(
    organisation, people
):
    """A legal adviser is refused; a stranger and a caseworker off the team find no case."""
    case = open_fictional_case(organisation)
    programme = make_programme(organisation)

    def start(role: Any) -> Callable[[], Any]:
        return lambda: application_create(
            membership=people[role], case=case, programme=programme, route="nominated"
        )

    refused_as_role(start(Role.LEGAL_ADVISER), NOT_AN_APPLICATIONS_MANAGER)
    refused_as_missing(start("outsider"))
    refused_as_missing(start(Role.CASEWORKER))
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "service", [application_check_eligibility, application_record_consent], ids=lambda s: s.__name__
)
def test_an_application_action_is_refused_without_the_permission_or_the_case(
    organisation, people, draft, service
):
    """Re-checking eligibility and recording consent ask for MANAGE_APPLICATIONS on the case."""
    for role in (Role.LEGAL_ADVISER, Role.HOST_PARTNER, Role.AUDITOR):
        refused_as_role(
            lambda role=role: service(membership=people[role], application=draft),
            NOT_AN_APPLICATIONS_MANAGER,
        )
    refused_as_missing(lambda: service(membership=people["outsider"], application=draft))
    off_the_team = acting(make_member(organisation, Role.CASEWORKER, "colm.caseworker"))
    refused_as_missing(lambda: service(membership=off_the_team, application=draft))


def test_a_status_change_is_refused_for_a_case_the_member_may_not_see(organisation, people, draft):
    """Withdrawing needs the case, not only an application of the member's organisation."""
    off_the_team = acting(make_member(organisation, Role.CASEWORKER, "colm.caseworker"))

    for member in (off_the_team, people["outsider"]):
        refused_as_missing(
            lambda member=member: application_change_status(
                membership=member, application=draft, status="withdrawn"
            )
        )
    refused_as_role(
        lambda: application_change_status(
            membership=people[Role.LEGAL_ADVISER], application=draft, status="withdrawn"
        ),
        NOT_AN_APPLICATIONS_MANAGER,
    )


def test_seeding_the_catalogue_is_refused_without_the_permission_or_the_organisation(
    organisation, people
):
    """Only a coordinator of the organisation itself seeds its catalogue."""
    refused_as_role(
        lambda: programme_catalogue_seed(
            membership=people[Role.CASEWORKER], organisation=organisation
        ),
        NOT_A_PROGRAMME_MANAGER,
    )
    refused_as_missing(
        lambda: programme_catalogue_seed(membership=people["outsider"], organisation=organisation)
    )
    assert not Programme.objects.exists()


def window_data() -> dict[str, Any]:
    return {
        "name": "Spring cohort",
        "opens_on": datetime.date(2027, 1, 1),
        "closes_on": datetime.date(2027, 2, 1),
        "capacities": {"places": 2},
        "status": "open",
    }


@pytest.mark.parametrize(
    "write",
    [
        lambda member, programme, host: programme_update(
            membership=member, programme=programme, changes={"name": "Renamed (fictional)"}
        ),
        lambda member, programme, host: host_partner_assign(
            membership=member, programme=programme, host_partner=host
        ),
        lambda member, programme, host: intake_window_save(
            membership=member, programme=programme, data=window_data()
        ),
    ],
    ids=["programme_update", "host_partner_assign", "intake_window_save"],
)
def test_a_catalogue_write_is_refused_without_the_permission_or_the_programme(
    organisation, people, write
):
    """Editing a programme, assigning its host partner and saving its windows: coordinators only."""
    programme = make_programme(organisation)
    host = people[Role.HOST_PARTNER]

    for role in (Role.CASEWORKER, Role.LEGAL_ADVISER, Role.ANALYST):
        refused_as_role(
            lambda role=role: write(people[role], programme, host), NOT_A_PROGRAMME_MANAGER
        )
    refused_as_missing(lambda: write(people["outsider"], programme, host))


def test_matching_runs_are_read_only_by_roles_that_run_matching(organisation, people):
    """A caseworker, host partner or analyst finds no run, listed or by id; a coordinator does."""
    window = make_window(make_programme(organisation))
    coordinator = people[Role.COORDINATOR]
    submitted_application(coordinator, open_fictional_case(organisation), window.programme)
    run = matching_run_create(membership=coordinator, organisation=organisation, windows=[window])

    for role in (Role.CASEWORKER, Role.HOST_PARTNER, Role.ANALYST, Role.AUDITOR):
        assert not matching_run_list(membership=people[role]).exists()
        with pytest.raises(Http404):
            matching_run_get(membership=people[role], run_id=run.pk)
    with pytest.raises(Http404):
        matching_run_get(membership=people["outsider"], run_id=run.pk)
    assert matching_run_get(membership=coordinator, run_id=run.pk) == run


def test_running_matching_is_refused_without_the_permission_or_the_organisation(
    organisation, other_organisation, people
):
    """Only a role that runs matching builds a run, and only for its own organisation."""
    window = make_window(make_programme(organisation))
    coordinator = people[Role.COORDINATOR]
    submitted_application(coordinator, open_fictional_case(organisation), window.programme)

    def run_as(member: Any) -> Any:
        return matching_run_create(membership=member, organisation=organisation, windows=[window])

    for role in (Role.CASEWORKER, Role.LEGAL_ADVISER, Role.HOST_PARTNER, Role.ANALYST):
        with pytest.raises(ProgrammeError) as refusal:
            run_as(people[role])
        assert str(refusal.value) == str(NOT_A_MATCHER)
    with pytest.raises(Http404):
        run_as(people["outsider"])
    assert not MatchingRun.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.MATCHING_RUN_CREATED).exists()
    assert run_as(coordinator).organisation == organisation


def test_approving_a_run_is_refused_without_the_permission_or_the_organisation(
    organisation, people
):
    """A caseworker cannot turn a proposal into offers, nor can another organisation's member."""
    window = make_window(make_programme(organisation))
    coordinator = people[Role.COORDINATOR]
    submitted_application(coordinator, open_fictional_case(organisation), window.programme)
    run = matching_run_create(membership=coordinator, organisation=organisation, windows=[window])

    for role in (Role.CASEWORKER, Role.HOST_PARTNER, Role.ANALYST):
        member = people[role]
        refused_as_role(partial(matching_run_approve, membership=member, run=run), NOT_A_MATCHER)
    refused_as_missing(lambda: matching_run_approve(membership=people["outsider"], run=run))
    run.refresh_from_db()
    assert run.status == MatchingRunStatus.PROPOSED
    assert len(matching_run_approve(membership=coordinator, run=run)) == 1


def test_the_unchecked_status_move_is_not_offered_outside_the_services():
    """
    The status machine's own move checks no permission (its callers do), so it stays private:
    another app accepts an offer through ``application_change_status``, which checks its own.
    """
    assert "application_status_move" not in services.__all__
    assert not hasattr(services, "application_status_move")
