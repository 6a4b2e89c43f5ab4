"""The case and relocation state machines: tables of moves, guards, roles and graph properties."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.domain.lifecycle import (
    CASE_MACHINE,
    CASE_TRANSITIONS,
    RELOCATION_MACHINE,
    REQUIREMENT_DESCRIPTIONS,
    CaseStatus,
    RelocationStatus,
    Requirement,
    Role,
    StateMachine,
    Transition,
    TransitionError,
)

ALL_REQUIREMENTS = frozenset(Requirement)


@pytest.mark.parametrize(
    ("source", "target", "role", "satisfied"),
    [
        (
            CaseStatus.INTAKE,
            CaseStatus.SCREENING,
            Role.CASEWORKER,
            {Requirement.INTAKE_RECORDED, Requirement.CONSENT_TO_PROCESSING_RECORDED},
        ),
        (
            CaseStatus.SCREENING,
            CaseStatus.ASSESSMENT,
            Role.CASEWORKER,
            {Requirement.SCREENING_RECORDED, Requirement.SCREENED_AS_DEFENDER},
        ),
        (
            CaseStatus.SCREENING,
            CaseStatus.NOT_ELIGIBLE,
            Role.COORDINATOR,
            {Requirement.SCREENING_RECORDED, Requirement.SCREENED_OUT_REASON_RECORDED},
        ),
        (
            CaseStatus.PATHWAY_PLANNING,
            CaseStatus.ASYLUM_BRIDGE,
            Role.LEGAL_ADVISER,
            {Requirement.PROTECTION_ASSESSMENT_RECORDED},
        ),
        (
            CaseStatus.RETURN_REVIEW,
            CaseStatus.RETURNED_FOLLOW_UP,
            Role.COORDINATOR,
            {
                Requirement.RETURN_REVIEW_DONE,
                Requirement.DEFENDER_CHOOSES_RETURN,
                Requirement.RETURN_SECURITY_PLAN_RECORDED,
            },
        ),
        (
            CaseStatus.ASYLUM_BRIDGE,
            CaseStatus.CLOSED,
            Role.LEGAL_ADVISER,
            {Requirement.ASYLUM_REFERRAL_CONSENT_RECORDED, Requirement.REFERRAL_TO_COUNSEL_MADE},
        ),
        (
            CaseStatus.CLOSED,
            CaseStatus.ERASED,
            Role.COORDINATOR,
            {Requirement.RETENTION_PERIOD_ENDED, Requirement.ERASURE_APPROVED_BY_SECOND_PERSON},
        ),
    ],
)
def test_a_move_with_its_requirements_met_by_an_allowed_role_succeeds(
    source, target, role, satisfied
):
    """A move is allowed once its role and every named requirement are satisfied."""
    transition = CASE_MACHINE.transition(source, target, role=role, satisfied=satisfied)

    assert (source, target) == (transition.source, transition.target)
    assert set(transition.requirements) == satisfied


@pytest.mark.parametrize(
    ("source", "target", "missing"),
    [
        (
            CaseStatus.ASYLUM_BRIDGE,
            CaseStatus.CLOSED,
            Requirement.ASYLUM_REFERRAL_CONSENT_RECORDED,
        ),
        (CaseStatus.RETURN_REVIEW, CaseStatus.RETURNED_FOLLOW_UP, Requirement.RETURN_REVIEW_DONE),
        (
            CaseStatus.RETURN_REVIEW,
            CaseStatus.RETURNED_FOLLOW_UP,
            Requirement.DEFENDER_CHOOSES_RETURN,
        ),
        (
            CaseStatus.CLOSED,
            CaseStatus.ERASED,
            Requirement.ERASURE_APPROVED_BY_SECOND_PERSON,
        ),
        (
            CaseStatus.PATHWAY_PLANNING,
            CaseStatus.APPLYING,
            Requirement.CONSENT_TO_SHARE_WITH_PROGRAMME,
        ),
    ],
)
def test_a_missing_requirement_blocks_the_move_and_is_named_in_plain_words(source, target, missing):
    """A move lacking one requirement raises TransitionError that describes that requirement."""
    satisfied = ALL_REQUIREMENTS - {missing}

    with pytest.raises(TransitionError) as raised:
        CASE_MACHINE.transition(source, target, role=Role.COORDINATOR, satisfied=satisfied)

    assert raised.value.reasons == (f"needs: {missing.description}",)
    assert missing.description in str(raised.value)


def test_a_role_outside_the_transition_is_refused():
    """A caseworker may not erase a case even when every requirement is met."""
    with pytest.raises(TransitionError) as raised:
        CASE_MACHINE.transition(
            CaseStatus.CLOSED,
            CaseStatus.ERASED,
            role=Role.CASEWORKER,
            satisfied=ALL_REQUIREMENTS,
        )

    assert raised.value.reasons == ("only a coordinator may do this",)


def test_a_role_unknown_to_the_machine_may_make_no_move():
    """Roles with no say over cases (analyst, auditor, host partner) are refused every move."""
    for status in CaseStatus:
        for role in ("analyst", "auditor", "host_partner"):
            assert CASE_MACHINE.allowed_targets(status, role=role, satisfied=ALL_REQUIREMENTS) == ()


def test_a_move_with_no_transition_names_the_possible_next_statuses():
    """An illegal jump says which statuses can follow instead."""
    with pytest.raises(TransitionError) as raised:
        CASE_MACHINE.transition(
            CaseStatus.INTAKE,
            CaseStatus.IN_RELOCATION,
            role=Role.COORDINATOR,
            satisfied=ALL_REQUIREMENTS,
        )

    assert str(raised.value) == (
        "A case cannot move from intake to in_relocation; from intake it can go to: "
        "screening, closed."
    )


def test_nothing_leaves_erased():
    """Erasure is final: no move out of it, with any role or requirement."""
    assert CASE_MACHINE.transitions_from(CaseStatus.ERASED) == ()
    with pytest.raises(TransitionError, match="erased is final"):
        CASE_MACHINE.transition(
            CaseStatus.ERASED,
            CaseStatus.CLOSED,
            role=Role.COORDINATOR,
            satisfied=ALL_REQUIREMENTS,
        )


def test_erasure_is_reached_only_from_closed():
    """A case is crypto-shredded only after it has been closed."""
    sources = {t.source for t in CASE_TRANSITIONS if t.target == CaseStatus.ERASED}

    assert sources == {CaseStatus.CLOSED}


def test_options_list_every_move_with_its_blocking_reasons():
    """The options from the return review show the allowed move and why the others are blocked."""
    options = CASE_MACHINE.options(
        CaseStatus.RETURN_REVIEW,
        role=Role.LEGAL_ADVISER,
        satisfied={Requirement.RETURN_REVIEW_DONE, Requirement.PROTECTION_ASSESSMENT_RECORDED},
    )
    by_target = {option.target: option for option in options}

    assert set(by_target) == {
        CaseStatus.IN_RELOCATION,
        CaseStatus.RETURNED_FOLLOW_UP,
        CaseStatus.ONWARD_RELOCATION,
        CaseStatus.ASYLUM_BRIDGE,
    }
    assert by_target[CaseStatus.ASYLUM_BRIDGE].allowed is True
    assert by_target[CaseStatus.RETURNED_FOLLOW_UP].allowed is False
    assert by_target[CaseStatus.RETURNED_FOLLOW_UP].blocked_by == (
        "only a coordinator may do this",
        "needs: the defender has chosen, freely and informed, to return",
        "needs: a security plan for the return is recorded",
    )


def test_every_transition_has_a_label_a_role_and_a_source():
    """Each move can be explained: a plain label, at least one role and a named source."""
    for machine in (CASE_MACHINE, RELOCATION_MACHINE):
        for transition in machine.transitions:
            assert transition.label.strip()
            assert transition.roles
            assert transition.rule_source.strip()


def test_every_requirement_has_a_description():
    """No requirement is shown to staff as a bare identifier."""
    assert set(REQUIREMENT_DESCRIPTIONS) == set(Requirement)


@pytest.mark.parametrize("machine", [CASE_MACHINE, RELOCATION_MACHINE], ids=lambda m: m.name)
def test_every_status_is_reachable_from_the_initial_one(machine):
    """No status is dead code: each can be reached from the first."""
    assert machine.reachable_from(machine.initial) == frozenset(machine.statuses)


@pytest.mark.parametrize("machine", [CASE_MACHINE, RELOCATION_MACHINE], ids=lambda m: m.name)
def test_every_status_reaches_a_final_status(machine):
    """No case or relocation can get stuck: a final status is reachable from everywhere."""
    for status in machine.statuses:
        assert machine.reachable_from(status) & machine.final, status


def test_a_duplicate_transition_is_rejected_when_the_machine_is_built():
    """Two moves between the same statuses would make the guards ambiguous."""
    move = Transition(
        RelocationStatus.PLANNED, RelocationStatus.ENDED, "End", frozenset({Role.COORDINATOR})
    )
    with pytest.raises(ValueError, match="duplicate transition planned -> ended"):
        StateMachine(
            name="broken",
            initial=RelocationStatus.PLANNED,
            final=frozenset({RelocationStatus.ENDED}),
            transitions=(move, move),
        )


def test_relocation_without_a_visa_goes_straight_to_travel():
    """A visa-free journey skips the visa statuses once travel is booked and planned."""
    transition = RELOCATION_MACHINE.transition(
        RelocationStatus.PLANNED,
        RelocationStatus.TRAVELLING,
        role=Role.CASEWORKER,
        satisfied={
            Requirement.VISA_NOT_REQUIRED,
            Requirement.TRAVEL_BOOKED,
            Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
        },
    )

    assert transition.target is RelocationStatus.TRAVELLING


def test_a_refused_visa_cannot_lead_to_travel():
    """After a refusal the only ways on are a new application or cancelling."""
    targets = {t.target for t in RELOCATION_MACHINE.transitions_from(RelocationStatus.VISA_REFUSED)}

    assert targets == {RelocationStatus.VISA_APPLIED, RelocationStatus.CANCELLED}


def test_nothing_leaves_an_ended_or_cancelled_relocation():
    """The end of a stay and a cancellation are final."""
    for status in RELOCATION_MACHINE.final:
        assert RELOCATION_MACHINE.transitions_from(status) == ()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_walks_stay_on_legal_moves_and_can_always_still_close(data):
    """Walking any allowed moves from intake, the case can still reach closed, except once erased."""
    status = CASE_MACHINE.initial
    for _ in range(data.draw(st.integers(min_value=0, max_value=30), label="steps")):
        role = data.draw(st.sampled_from(list(Role)), label="role")
        satisfied = data.draw(
            st.one_of(st.just(ALL_REQUIREMENTS), st.frozensets(st.sampled_from(list(Requirement)))),
            label="met",
        )
        allowed = CASE_MACHINE.allowed_targets(status, role=role, satisfied=satisfied)
        if not allowed:
            continue
        target = data.draw(st.sampled_from(allowed), label="target")
        transition = CASE_MACHINE.transition(status, target, role=role, satisfied=satisfied)
        assert role in transition.roles
        assert set(transition.requirements) <= satisfied
        status = target
        if status is CaseStatus.ERASED:
            assert CASE_MACHINE.reachable_from(status) == {CaseStatus.ERASED}
            break
        assert CaseStatus.CLOSED in CASE_MACHINE.reachable_from(status)


@settings(max_examples=60, deadline=None)
@given(
    status=st.sampled_from(list(CaseStatus)),
    role=st.sampled_from(list(Role)),
    satisfied=st.frozensets(st.sampled_from(list(Requirement))),
)
def test_options_and_transition_agree(status, role, satisfied):
    """A move listed as allowed succeeds, and a move listed as blocked raises its listed reasons."""
    for option in CASE_MACHINE.options(status, role=role, satisfied=satisfied):
        if option.allowed:
            CASE_MACHINE.transition(status, option.target, role=role, satisfied=satisfied)
        else:
            with pytest.raises(TransitionError) as raised:
                CASE_MACHINE.transition(status, option.target, role=role, satisfied=satisfied)
            assert raised.value.reasons == option.blocked_by


def test_the_lifecycle_guide_lists_every_move_and_requirement():
    """docs/case-lifecycle.md stays in step with the code: each move and requirement has a row."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "case-lifecycle.md").read_text()

    for machine in (CASE_MACHINE, RELOCATION_MACHINE):
        for transition in machine.transitions:
            row = f"| `{transition.source}` | `{transition.target}` | {transition.label} |"
            assert row in guide, row
    for requirement in Requirement:
        assert f"| `{requirement}` | {requirement.description} |" in guide
