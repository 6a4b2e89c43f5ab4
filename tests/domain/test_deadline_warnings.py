"""
Deadline warnings over time (issue 13, item 2): for every host state with a hard filing deadline
and any arrival, the warning for the filing date climbs none -> 90 -> 30 -> 7 days -> passed as the
days go by, never skips a step and never goes back.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.domain.host_states import (
    DeadlineKind,
    DeadlineWarning,
    StayDates,
    WarningLevel,
    host_state_advice,
)
from haven.reference import host_state_catalogue

CATALOGUE = host_state_catalogue()
HARD = sorted(code for code, rules in CATALOGUE.states.items() if rules.deadline.hard)
ORDER = [None, WarningLevel.DAYS_90, WarningLevel.DAYS_30, WarningLevel.DAYS_7, WarningLevel.PASSED]


def test_the_hard_deadline_states_are_those_of_the_reference():
    """Spain, Costa Rica, Mexico, Kenya, South Africa and the US (asylum-bridge reference, s 3)."""
    assert HARD == ["CR", "ES", "KE", "MX", "US", "ZA"]


@settings(max_examples=40, deadline=None)
@given(state=st.sampled_from(HARD), arrival=st.dates(date(2020, 1, 1), date(2040, 1, 1)))
def test_the_warning_climbs_step_by_step_and_never_goes_back(state, arrival):
    advice = host_state_advice(CATALOGUE, StayDates(state, last_arrival=arrival))
    [filing] = [item for item in advice.deadlines if item.kind == DeadlineKind.FILING]
    assert filing.hard and filing.due_on > arrival

    seen = []
    for offset in range(-100, 3):
        today = filing.due_on + timedelta(days=offset)
        warning = DeadlineWarning.due(filing, today)
        level = warning.level if warning else None
        if warning is not None:
            assert warning.days_left == -offset
        if not seen or seen[-1] != level:
            seen.append(level)
    assert seen == ORDER


@given(days_left=st.integers(-30, 200))
def test_the_level_is_the_narrowest_window_the_days_left_fall_in(days_left):
    advice = host_state_advice(CATALOGUE, StayDates("US", last_arrival=date(2026, 3, 1)))
    [filing] = [item for item in advice.deadlines if item.kind == DeadlineKind.FILING]
    found = DeadlineWarning.due(filing, filing.due_on - timedelta(days=days_left))
    expected = (
        WarningLevel.PASSED if days_left < 0
        else WarningLevel.DAYS_7 if days_left <= 7
        else WarningLevel.DAYS_30 if days_left <= 30
        else WarningLevel.DAYS_90 if days_left <= 90
        else None
    )  # fmt: skip
    assert (found.level if found else None) == expected
