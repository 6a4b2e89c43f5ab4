"""A host partner sees only applications at the programmes it hosts, with minimum data."""

import pytest
from django.urls import reverse

from haven.audit.events import EventType
from haven.audit.models import AuditEvent
from haven.organisations.models import Role
from haven.programmes.models import HostPartnerAssignment
from haven.programmes.services import (
    ProgrammeError,
    application_change_status,
    host_partner_assign,
)
from tests.acting import acting
from tests.conftest import make_member
from tests.programmes.factories import (
    make_programme,
    make_window,
    open_fictional_case,
    submitted_application,
)


@pytest.fixture
def host(organisation):
    return make_member(organisation, Role.HOST_PARTNER, "hana.host")


def shortlisted(coordinator, case, programme, window=None):
    application = submitted_application(coordinator, case, programme, window)
    return application_change_status(
        membership=acting(coordinator), application=application, status="shortlisted"
    )


def test_a_host_partner_sees_its_programme_only_and_nothing_about_the_case(
    organisation, coordinator, host, sign_in_as
):
    """Reference, window and status of its own programme; no case code, other programme or draft."""
    hosted = make_programme(organisation)
    other = make_programme(organisation, catalogue_id="other_fellowship", name="Other (fictional)")
    window = make_window(hosted, name="Hosted spring cohort")
    host_partner_assign(
        membership=acting(coordinator), programme=hosted, host_partner=host.memberships.get()
    )
    visible_case = open_fictional_case(organisation)
    shown = shortlisted(coordinator, visible_case, hosted, window)
    hidden_elsewhere = shortlisted(coordinator, open_fictional_case(organisation), other)
    still_submitted = submitted_application(coordinator, open_fictional_case(organisation), hosted)

    page = sign_in_as(host).get(reverse("programmes:hosted")).content.decode()

    assert str(shown.pk)[:8] in page
    assert "Hosted spring cohort" in page
    assert str(hidden_elsewhere.pk)[:8] not in page
    assert str(still_submitted.pk)[:8] not in page
    assert visible_case.code not in page
    assert "death" not in page.lower()


def test_a_host_partner_cannot_open_an_application_or_its_case(
    organisation, coordinator, host, sign_in_as
):
    """Even at its own programme, the application and case pages are 404 to a host partner."""
    programme = make_programme(organisation)
    host_partner_assign(
        membership=acting(coordinator), programme=programme, host_partner=host.memberships.get()
    )
    application = shortlisted(coordinator, open_fictional_case(organisation), programme)
    client = sign_in_as(host)

    for url in (
        reverse("programmes:application", kwargs={"application_id": application.pk}),
        reverse("programmes:case_applications", kwargs={"case_id": application.case_id}),
    ):
        assert client.get(url).status_code == 404


def test_only_an_active_host_partner_of_the_organisation_can_be_assigned(
    organisation, other_organisation, coordinator, caseworker
):
    """A caseworker or another organisation's host partner is refused; nothing is assigned."""
    programme = make_programme(organisation)
    foreign_host = make_member(other_organisation, Role.HOST_PARTNER, "fiona.foreign")

    for membership in (caseworker.memberships.get(), foreign_host.memberships.get()):
        with pytest.raises(ProgrammeError, match="active host partner"):
            host_partner_assign(
                membership=acting(coordinator), programme=programme, host_partner=membership
            )

    assert not HostPartnerAssignment.objects.exists()


def test_a_coordinator_assigns_through_the_programme_page_once(
    organisation, coordinator, host, sign_in_as
):
    """The form assigns the host partner; assigning again adds no second event."""
    programme = make_programme(organisation)
    client = sign_in_as(coordinator)
    url = reverse("programmes:host_partner", kwargs={"programme_id": programme.pk})

    for _ in range(2):
        assert client.post(url, {"membership": host.memberships.get().pk}).status_code == 302

    assert HostPartnerAssignment.objects.filter(programme=programme).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.HOST_PARTNER_ASSIGNED).count() == 1
