"""
Tension seen early (issue 13, item 1): a programme that expects return, for a defender whose risk
on return is serious or whose own view or intention differs. The actions owed follow the
asylum-bridge reference, section 1.
"""

from hypothesis import given
from hypothesis import strategies as st

from haven.domain.return_tension import (
    WISHES_AWAY_FROM_RETURN,
    Owed,
    Pull,
    TensionInput,
    most_severe,
    return_tension,
)

LEVELS = st.sampled_from([None, "low", "medium", "high", "critical"])
WISHES = st.frozensets(
    st.sampled_from(["asylum", "resettlement", "onward_relocation", "return", "respite", "extend"])
)


def test_an_in_country_journalist_facing_a_warrant_is_flagged_before_applying():
    """The issue's case: critical risk at home, applying to a programme that expects return."""
    finding = return_tension(
        TensionInput(expects_return=True, asylum_policy_recorded=True, risk_on_return="critical")
    )
    assert finding.flag
    assert finding.pulls == (Pull.RISK_ON_RETURN,)
    assert finding.owed == (
        Owed.INFORMED_CONSENT,
        Owed.INDEPENDENT_ADVICE,
        Owed.NO_PRESSURE,
        Owed.NO_ABRUPT_CUT_OFF,
        Owed.CONFIDENTIALITY,
    )


def test_the_defenders_own_view_or_intention_is_enough_on_its_own():
    own_view = return_tension(TensionInput(expects_return=True, own_risk="high"))
    assert own_view.pulls == (Pull.OWN_VIEW,)
    no_return = return_tension(TensionInput(expects_return=True, intends_to_return=False))
    assert no_return.pulls == (Pull.NO_INTENTION_TO_RETURN,)
    wishes = return_tension(
        TensionInput(expects_return=True, wishes=frozenset({"asylum", "respite"}))
    )
    assert wishes.pulls == (Pull.WISHES_ELSEWHERE,)
    assert wishes.wishes_away == ("asylum",)


def test_an_unrecorded_asylum_policy_adds_asking_the_programme_first():
    finding = return_tension(TensionInput(expects_return=True, staff_risk="high"))
    assert finding.owed[0] == Owed.ASK_POLICY
    assert finding.pulls == (Pull.STAFF_RISK,)


def test_an_unrecorded_return_rule_still_flags_and_says_so():
    finding = return_tension(TensionInput(expects_return=None, risk_on_return="high"))
    assert finding.flag
    assert not finding.return_rule_recorded


def test_medium_risk_and_an_intention_to_return_raise_nothing():
    finding = return_tension(
        TensionInput(
            expects_return=True,
            risk_on_return="medium",
            own_risk="medium",
            staff_risk="low",
            intends_to_return=True,
            wishes=frozenset({"return"}),
        )
    )
    assert not finding.flag
    assert finding.owed == ()


def test_most_severe_ignores_unknown_values():
    assert most_severe(["low", None, "critical", "medium"]) == "critical"
    assert most_severe([None, "unknown"]) is None


@given(
    expects=st.sampled_from([True, None, False]),
    on_return=LEVELS,
    staff=LEVELS,
    own=LEVELS,
    intends=st.sampled_from([True, False, None]),
    wishes=WISHES,
    policy=st.booleans(),
)
def test_flagged_exactly_when_return_is_expected_and_something_pulls_against_it(
    expects, on_return, staff, own, intends, wishes, policy
):
    data = TensionInput(expects, policy, on_return, staff, own, intends, wishes)
    finding = return_tension(data)
    serious = {"high", "critical"}
    pulls = (
        on_return in serious
        or staff in serious
        or own in serious
        or intends is False
        or bool(wishes & WISHES_AWAY_FROM_RETURN)
    )
    assert finding.flag == (expects is not False and pulls)
    # Whenever it is flagged, every duty is listed, and asking for the policy exactly when unknown.
    if finding.flag:
        assert {Owed.INDEPENDENT_ADVICE, Owed.NO_PRESSURE, Owed.INFORMED_CONSENT} <= set(
            finding.owed
        )
        assert (Owed.ASK_POLICY in finding.owed) == (not policy)
    else:
        assert finding.owed == ()
