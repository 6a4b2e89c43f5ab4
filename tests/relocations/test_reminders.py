"""Reminders are a background job: in-app, idempotent, one query for the stays, never e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from haven.relocations.models import StayReminder
from haven.relocations.reminders import remind, send_stay_reminders
from tests.relocations.factories import arrived_stay, membership_of, open_stay

pytestmark = pytest.mark.django_db


def test_the_job_reminds_the_assigned_caseworker_once(organisation, coordinator, caseworker):
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=8)

    send_stay_reminders.enqueue()
    again = remind()

    reminder = StayReminder.objects.get()
    assert reminder.recipient == membership_of(caseworker, organisation)
    assert reminder.stay == stay
    assert reminder.kind == "check_in_overdue"
    assert again == 0
    assert mail.outbox == []


def test_an_unconfirmed_arrival_is_reminded(organisation, coordinator, caseworker):
    open_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=3)

    assert remind() == 1
    assert StayReminder.objects.get().kind == "arrival_unconfirmed"


def test_nothing_owed_means_no_reminder(organisation, coordinator, caseworker):
    open_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=-30)

    assert remind() == 0


def test_reminders_show_on_the_dashboard_until_read(
    organisation, coordinator, caseworker, sign_in_as
):
    stay = arrived_stay(organisation, coordinator, caseworker=caseworker, started_days_ago=8)
    remind()
    client = sign_in_as(caseworker)

    shown = client.get(reverse("web:dashboard")).content.decode()
    client.post(reverse("relocations:reminders_read"))
    after = client.get(reverse("web:dashboard")).content.decode()

    assert 'id="stay-reminders"' in shown and stay.case.code in shown
    assert 'id="stay-reminders"' not in after


def test_the_shredding_job_destroys_plans_whose_day_has_come(organisation, coordinator):
    """Route and dates are shredded 30 days after arrival (design default)."""
    from haven.relocations.models import Preparation
    from haven.relocations.reminders import shred_travel_plans

    old = arrived_stay(organisation, coordinator, started_days_ago=31)
    recent = arrived_stay(organisation, coordinator, started_days_ago=29)

    shred_travel_plans.enqueue()

    assert Preparation.objects.get(stay=old).travel_plan_shredded_at is not None
    assert Preparation.objects.get(stay=recent).travel_plan is not None
