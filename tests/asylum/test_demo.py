"""The demo shows the asylum bridge's tension and deadlines, so the page crawl reads them too."""

from haven.asylum.deadlines import host_state_view
from haven.asylum.tension import case_panel
from haven.demo import seed_all
from haven.organisations.models import Membership, Role
from haven.relocations.models import Stay, StayStatus


def test_the_demo_stays_in_spain_show_rules_warnings_and_tension(db, settings):
    settings.HAVEN_DEMO = True
    seed_all()
    stay = (
        Stay.objects.filter(organisation__slug="harbour-light", status=StayStatus.IN_STAY)
        .select_related("case", "programme")
        .first()
    )
    coordinator = Membership.objects.get(organisation=stay.organisation, role=Role.COORDINATOR)

    view = host_state_view(stay.case)

    assert view is not None and view.host_state == "ES" and view.from_stay
    assert view.warnings  # Spain's month from arrival has passed; exceptions go to counsel
    panel = case_panel(coordinator, stay.case, None)
    assert panel is not None and panel.context["tensions"]
