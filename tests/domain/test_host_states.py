"""
The host states' time limits for an asylum claim (issue 13), computed from the stay. Each expected
date is worked out by hand from the rule its test names, so a change to the arithmetic or to the
catalogue shows here.
"""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from haven.domain.host_states import (
    DeadlineKind,
    DeadlineWarning,
    StayDates,
    WarningLevel,
    add_working_days,
    host_state_advice,
    jurisdiction_warning,
)
from haven.reference import host_state_catalogue

CATALOGUE = host_state_catalogue()


def _filing(stay: StayDates):
    advice = host_state_advice(CATALOGUE, stay)
    return [d for d in advice.deadlines if d.kind == DeadlineKind.FILING]


def test_the_catalogue_covers_the_fourteen_host_states_of_the_reference():
    assert set(CATALOGUE.states) == {
        "NL", "DE", "ES", "FR", "GB", "IE", "NO", "SE", "US", "CA", "CR", "MX", "KE", "ZA"
    }  # fmt: skip
    assert CATALOGUE.version


def test_spain_one_month_from_entry_ends_on_the_last_day_of_a_shorter_month():
    """Ley 12/2009 art 17.2: one month from entry; 31 January plus a month is 28 February."""
    [deadline] = _filing(StayDates("ES", last_arrival=date(2026, 1, 31)))
    assert deadline.due_on == date(2026, 2, 28)
    assert deadline.hard
    assert deadline.explanation.key == "host_state.filing_deadline"


def test_spain_runs_from_the_events_abroad_when_they_come_later():
    """Art 17.2 also counts the month from the events that caused the fear (a sur place claim)."""
    stay = StayDates("ES", last_arrival=date(2026, 1, 10), fear_events_on=date(2026, 4, 2))
    [deadline] = _filing(stay)
    assert deadline.due_on == date(2026, 5, 2)
    assert deadline.explanation.key == "host_state.filing_deadline_from_events"


def test_costa_rica_kenya_and_south_africa():
    arrival = date(2026, 3, 15)
    assert _filing(StayDates("CR", last_arrival=arrival))[0].due_on == date(2026, 4, 15)
    assert _filing(StayDates("KE", last_arrival=arrival))[0].due_on == date(2026, 4, 14)
    assert _filing(StayDates("ZA", last_arrival=arrival))[0].due_on == date(2026, 3, 20)


def test_mexico_counts_thirty_working_days():
    """From Friday 6 March 2026, 30 weekdays later is Friday 17 April 2026."""
    [deadline] = _filing(StayDates("MX", last_arrival=date(2026, 3, 6)))
    assert deadline.due_on == date(2026, 4, 17)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 60))
def test_working_days_skip_weekends(start, days):
    end = add_working_days(start, days)
    weekdays = sum(
        (start + timedelta(days=offset)).weekday() < 5
        for offset in range(1, (end - start).days + 1)
    )
    assert weekdays == days
    assert end.weekday() < 5


def test_united_states_one_year_from_last_arrival_and_the_reasonable_period():
    """8 U.S.C. 1158(a)(2)(B); 8 CFR 208.4(a)(5)(iv) for lawful status kept until shortly before."""
    stay = StayDates("US", last_arrival=date(2024, 2, 29), status_end=date(2025, 6, 30))
    advice = host_state_advice(CATALOGUE, stay)
    by_kind = {deadline.kind: deadline for deadline in advice.deadlines}
    assert by_kind[DeadlineKind.FILING].due_on == date(2025, 2, 28)
    assert by_kind[DeadlineKind.REASONABLE_PERIOD].due_on == date(2025, 12, 30)
    assert DeadlineKind.LAWFUL_STAY not in by_kind


def test_france_accelerated_procedure_only_where_the_stay_became_unlawful():
    """CESEDA L531-27: over 90 days after entry for those who entered or stayed unlawfully."""
    short_visa = StayDates("FR", last_arrival=date(2026, 1, 1), visa_expiry=date(2026, 3, 1))
    assert _filing(short_visa)[0].due_on == date(2026, 4, 1)
    long_visa = StayDates("FR", last_arrival=date(2026, 1, 1), visa_expiry=date(2026, 12, 1))
    assert _filing(long_visa) == []
    kinds = {d.kind for d in host_state_advice(CATALOGUE, long_visa).deadlines}
    assert kinds == {DeadlineKind.LAWFUL_STAY}


def test_a_visa_issued_by_another_dublin_state_makes_it_responsible_for_six_months_after_expiry():
    """Dublin III art 12(2) and 12(4)."""
    stay = StayDates(
        "NL", last_arrival=date(2026, 2, 1), visa_issuing_state="DE", visa_expiry=date(2026, 5, 1)
    )
    advice = host_state_advice(CATALOGUE, stay)
    [dublin] = [d for d in advice.deadlines if d.kind == DeadlineKind.DUBLIN_RESPONSIBILITY]
    assert dublin.due_on == date(2026, 11, 1)
    assert dublin.explanation.params["issuer"] == "DE"
    same_issuer = StayDates("NL", visa_issuing_state="NL", visa_expiry=date(2026, 5, 1))
    uk = StayDates("GB", visa_issuing_state="DE", visa_expiry=date(2026, 5, 1))
    for other in (same_issuer, uk):
        kinds = {d.kind for d in host_state_advice(CATALOGUE, other).deadlines}
        assert DeadlineKind.DUBLIN_RESPONSIBILITY not in kinds


def test_germany_warns_that_a_short_visa_lapses_on_claiming():
    advice = host_state_advice(CATALOGUE, StayDates("DE", last_arrival=date(2026, 2, 1)))
    assert "host_state.visa_lapses" in {caution.key for caution in advice.cautions}
    assert advice.deadlines == ()


def test_an_unknown_host_state_says_so_instead_of_inventing_a_rule():
    advice = host_state_advice(CATALOGUE, StayDates("PT", last_arrival=date(2026, 2, 1)))
    assert advice.rules is None
    assert [caution.key for caution in advice.cautions] == ["host_state.unknown"]


def test_warnings_at_ninety_thirty_and_seven_days_and_after():
    [deadline] = _filing(StayDates("US", last_arrival=date(2026, 1, 1)))
    due = deadline.due_on
    levels = {}
    for days in (91, 90, 31, 30, 8, 7, 0, -1):
        warning = DeadlineWarning.due(deadline, due - timedelta(days=days))
        levels[days] = warning.level if warning else None
    assert levels == {
        91: None,
        90: WarningLevel.DAYS_90,
        31: WarningLevel.DAYS_90,
        30: WarningLevel.DAYS_30,
        8: WarningLevel.DAYS_30,
        7: WarningLevel.DAYS_7,
        0: WarningLevel.DAYS_7,
        -1: WarningLevel.PASSED,
    }


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)))
def test_every_filing_deadline_falls_after_arrival(arrival):
    for code in CATALOGUE.states:
        for deadline in _filing(StayDates(code, last_arrival=arrival)):
            assert deadline.due_on > arrival
            assert deadline.explanation.sources


def test_the_assessment_standard_follows_the_host_state():
    assert jurisdiction_warning(CATALOGUE, "ES", "EU") is None
    warning = jurisdiction_warning(CATALOGUE, "ES", "UK")
    assert warning is not None
    assert warning.params == {"state": "Spain", "recorded": "UK", "expected": "EU"}
