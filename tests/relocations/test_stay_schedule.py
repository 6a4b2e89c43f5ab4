"""
The stay's schedule per programme (issue 12, item 7 "configurable per programme"), the arrival
alert by the hour, and the passport and visa expiry reminders seen by the case team.
"""

import datetime

import pytest
from django.utils import timezone

from haven.domain.stay import (
    DEFAULT_RULES,
    StayRules,
    arrival_alert_at,
    document_reminders,
    passport_too_short,
    return_review_due_on,
)
from haven.programmes.models import Programme
from haven.relocations import services
from haven.relocations.models import Stay, StayReminder
from haven.relocations.reminders import remind
from haven.relocations.selectors import due_items
from tests.relocations.factories import (
    arrived_stay,
    days_ago,
    membership_of,
    open_stay,
    programme_with_maximum,
)

D = datetime.date


# --- the pure rules ---------------------------------------------------------------------------


def test_a_programme_offset_replaces_the_design_default_review_timing():
    start, end = D(2026, 1, 1), D(2026, 3, 31)

    assert return_review_due_on(start=start, end=end) == end - datetime.timedelta(weeks=6)
    own = StayRules(return_review_weeks=2)
    assert return_review_due_on(start=start, end=end, rules=own) == D(2026, 3, 17)


def test_the_arrival_alert_is_hours_after_the_scheduled_landing():
    landing = datetime.datetime(2026, 5, 4, 22, 30, tzinfo=datetime.UTC)

    assert arrival_alert_at(landing) == landing + datetime.timedelta(hours=6)
    assert arrival_alert_at(landing, rules=StayRules(arrival_alert_hours=2)) == datetime.datetime(
        2026, 5, 5, 0, 30, tzinfo=datetime.UTC
    )


def test_a_passport_ending_within_six_months_of_the_stay_is_too_short():
    end = D(2026, 6, 30)

    assert passport_too_short(planned_end=end, passport_expires_on=D(2026, 12, 1))
    assert not passport_too_short(planned_end=end, passport_expires_on=D(2027, 1, 1))
    assert not passport_too_short(planned_end=end, passport_expires_on=None)


def test_visa_warnings_fall_at_thirty_then_fourteen_days_before_the_end():
    visa_end = D(2026, 6, 30)

    def owed(today):
        return document_reminders(passport_alert_on=None, visa_expires_on=visa_end, today=today)

    assert owed(D(2026, 5, 30)) == []
    assert owed(D(2026, 5, 31)) == [("visa_expiring", D(2026, 5, 31))]
    assert owed(D(2026, 6, 20)) == [("visa_expiring", D(2026, 6, 16))]
    assert DEFAULT_RULES.visa_warning_days == (30, 14)


# --- the programme's settings reach the stay ---------------------------------------------------


@pytest.mark.django_db
def test_the_return_review_follows_the_programme_setting(organisation, coordinator):
    programme = programme_with_maximum(organisation)
    Programme.objects.filter(pk=programme.pk).update(return_review_weeks=2)

    stay = arrived_stay(organisation, coordinator)

    assert stay.return_review_due == stay.planned_end - datetime.timedelta(weeks=2)


@pytest.mark.django_db
def test_without_a_setting_the_design_default_holds(organisation, coordinator):
    stay = arrived_stay(organisation, coordinator)

    assert stay.return_review_due == stay.planned_end - datetime.timedelta(weeks=6)


@pytest.mark.django_db
def test_the_programme_edit_form_saves_the_schedule(organisation, coordinator, sign_in_as):
    from django.urls import reverse

    programme = programme_with_maximum(organisation)
    client = sign_in_as(coordinator)
    page = client.get(reverse("programmes:edit", kwargs={"programme_id": programme.pk}))
    form = page.context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if not isinstance(value, list | tuple)
    }
    data |= {
        "host_countries": "Netherlands",
        "provides": "housing",
        "eligible_profiles": "unknown",
        "languages_required": "unknown",
        "return_review_weeks": "4",
        "arrival_alert_hours": "3",
        "travel_plan_shred_days": "10",
    }

    response = client.post(reverse("programmes:edit", kwargs={"programme_id": programme.pk}), data)

    programme.refresh_from_db()
    assert response.status_code == 302, response.context["form"].errors
    assert (
        programme.return_review_weeks,
        programme.arrival_alert_hours,
        programme.travel_plan_shred_days,
    ) == (4, 3, 10)


# --- the arrival alert by the hour -------------------------------------------------------------


def _prepare(stay, coordinator, organisation, **extra):
    return services.preparation_save(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        travel_plan="Overland to the border, then a direct flight.",
        digital_check_done=True,
        insurance={},
        stipend={},
        expectations_acknowledged_on=None,
        **extra,
    )


@pytest.mark.django_db
def test_an_unconfirmed_landing_alerts_the_case_team_after_the_programme_hours(
    organisation, coordinator, caseworker
):
    programme = programme_with_maximum(organisation)
    Programme.objects.filter(pk=programme.pk).update(arrival_alert_hours=3)
    # Started yesterday: a landing hours ago must not fall before the planned start, which it
    # would shortly after midnight with a stay starting today.
    stay = open_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=1)
    landing = timezone.now() - datetime.timedelta(hours=2)
    _prepare(stay, coordinator, organisation, expected_arrival=landing)
    stay.refresh_from_db()

    assert stay.arrival_alert_at == landing + datetime.timedelta(hours=3)
    assert remind() == 0  # two hours after landing: not yet
    assert remind(now=landing + datetime.timedelta(hours=3, minutes=1)) == 1
    assert StayReminder.objects.get().kind == "arrival_unconfirmed"


@pytest.mark.django_db
def test_my_cases_shows_the_overdue_arrival_by_the_hour(organisation, coordinator, caseworker):
    stay = open_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=1)
    landing = timezone.now() - datetime.timedelta(hours=7)
    _prepare(stay, coordinator, organisation, expected_arrival=landing)

    items = due_items(membership=membership_of(caseworker, organisation))

    assert [item.what for item in items] == ["arrival_unconfirmed"]
    assert items[0].label == "Arrival not confirmed"


@pytest.mark.django_db
def test_confirming_the_arrival_clears_the_alert(organisation, coordinator):
    stay = open_stay(organisation, coordinator, started_days_ago=0)
    _prepare(stay, coordinator, organisation, expected_arrival=timezone.now())
    services.visa_record(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        route="visa_free",
        outcome="not_required",
    )

    services.arrival_confirm(
        membership=membership_of(coordinator, organisation),
        stay=stay,
        arrived_on=timezone.localdate(),
        housing_handed_over=True,
    )

    assert Stay.objects.get(pk=stay.pk).arrival_alert_at is None


@pytest.mark.django_db
def test_a_landing_before_the_planned_start_is_refused(organisation, coordinator):
    stay = open_stay(organisation, coordinator, started_days_ago=-5)

    with pytest.raises(services.StayError):
        _prepare(stay, coordinator, organisation, expected_arrival=timezone.now())
    assert Stay.objects.get(pk=stay.pk).arrival_alert_at is None


# --- passport and visa expiry ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_passport_too_short_for_the_stay_reminds_the_case_team(
    organisation, coordinator, caseworker
):
    stay = open_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=-20)
    _prepare(
        stay,
        coordinator,
        organisation,
        passport_expires_on=stay.planned_end + datetime.timedelta(days=60),
    )

    assert remind() == 1
    reminder = StayReminder.objects.get()
    assert (reminder.kind, reminder.due_on) == ("passport_expiring", timezone.localdate())
    assert [
        item.what for item in due_items(membership=membership_of(caseworker, organisation))
    ] == ["passport_expiring"]


@pytest.mark.django_db
def test_a_passport_valid_long_enough_reminds_nobody(organisation, coordinator, caseworker):
    stay = open_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=-20)
    _prepare(
        stay,
        coordinator,
        organisation,
        passport_expires_on=stay.planned_end + datetime.timedelta(days=400),
    )

    assert remind() == 0
    assert Stay.objects.get(pk=stay.pk).passport_alert_on is None


@pytest.mark.django_db
def test_a_visa_ending_soon_reminds_at_thirty_and_at_fourteen_days(
    organisation, coordinator, caseworker
):
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=2)
    member = membership_of(coordinator, organisation)
    visa_end = timezone.localdate() + datetime.timedelta(days=25)
    services.visa_record(
        membership=member,
        stay=stay,
        route="schengen_short_stay",
        outcome="granted",
        valid_from=days_ago(5),
        valid_until=visa_end,
    )

    first = remind()
    later = remind(
        today=visa_end - datetime.timedelta(days=14),
        now=timezone.now() + datetime.timedelta(days=11),
    )

    kinds = sorted(
        StayReminder.objects.filter(kind="visa_expiring").values_list("due_on", flat=True)
    )
    assert first >= 1 and later >= 1
    assert kinds == [visa_end - datetime.timedelta(days=30), visa_end - datetime.timedelta(days=14)]
