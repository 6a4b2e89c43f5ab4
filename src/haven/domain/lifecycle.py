"""
The case and relocation state machines: which status may follow which, who may move a case
there, and what must be true first.

A case follows the data path of the architecture: intake, screening (is this person a human
rights defender), risk assessment, pathway planning, an application to a programme, relocation,
a return review with risk on return, and then return with follow-up, onward relocation or the
asylum bridge, before closure and, at the end of retention, erasure by crypto-shredding.

The machines only advise on moves. They know nothing about who the acting user is beyond a role
name, and nothing about the database: the caller states which requirements it has checked
(``satisfied``) and the machine answers with the allowed moves and, for every blocked move, the
reasons in plain words. The Django side maps role names to permissions and stores the move with
its audit event.

Each transition names the source of the rule it encodes, so a blocked move can be explained.
History is not tracked here: a case in the asylum bridge may go back either to pathway planning
or to the return review, and the caller offers the one that matches where the case came from.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum, unique
from typing import Generic, TypeVar

__all__ = [
    "CASE_MACHINE",
    "RECORD_DRIVEN_MOVES",
    "RELOCATION_MACHINE",
    "CaseStatus",
    "RelocationStatus",
    "Requirement",
    "Role",
    "StateMachine",
    "Transition",
    "TransitionError",
    "TransitionOption",
    "follow_records",
]


@unique
class Role(StrEnum):
    """Staff roles that may move a case; the values match the Django ``Membership`` roles."""

    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    LEGAL_ADVISER = "legal_adviser"


@unique
class CaseStatus(StrEnum):
    """Where a case stands on its path from intake to erasure."""

    INTAKE = "intake"
    SCREENING = "screening"
    NOT_ELIGIBLE = "not_eligible"
    ASSESSMENT = "assessment"
    PATHWAY_PLANNING = "pathway_planning"
    APPLYING = "applying"
    RELOCATION_PREPARATION = "relocation_preparation"
    IN_RELOCATION = "in_relocation"
    RETURN_REVIEW = "return_review"
    RETURNED_FOLLOW_UP = "returned_follow_up"
    ONWARD_RELOCATION = "onward_relocation"
    ASYLUM_BRIDGE = "asylum_bridge"
    CLOSED = "closed"
    ERASED = "erased"


@unique
class RelocationStatus(StrEnum):
    """Where one temporary relocation stands, from planning to the end of the stay."""

    PLANNED = "planned"
    VISA_APPLIED = "visa_applied"
    VISA_GRANTED = "visa_granted"
    VISA_REFUSED = "visa_refused"
    TRAVELLING = "travelling"
    IN_STAY = "in_stay"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENDED = "extended"
    ENDED = "ended"
    CANCELLED = "cancelled"


@unique
class Requirement(StrEnum):
    """A named condition that must hold before a move; the caller checks it and says so."""

    INTAKE_RECORDED = "intake_recorded"
    CONSENT_TO_PROCESSING_RECORDED = "consent_to_processing_recorded"
    SCREENING_RECORDED = "screening_recorded"
    SCREENED_AS_DEFENDER = "screened_as_defender"
    SCREENED_OUT_REASON_RECORDED = "screened_out_reason_recorded"
    NEW_INFORMATION_RECORDED = "new_information_recorded"
    DEFENDER_INFORMED_OF_OUTCOME = "defender_informed_of_outcome"
    RISK_ASSESSMENT_RECORDED = "risk_assessment_recorded"
    PATHWAY_CHOSEN_WITH_DEFENDER = "pathway_chosen_with_defender"
    CONSENT_TO_SHARE_WITH_PROGRAMME = "consent_to_share_with_programme"
    PROTECTION_ASSESSMENT_RECORDED = "protection_assessment_recorded"
    CLOSURE_REASON_RECORDED = "closure_reason_recorded"
    PLACEMENT_ACCEPTED = "placement_accepted"
    APPLICATION_OUTCOME_RECORDED = "application_outcome_recorded"
    VISA_GRANTED_OR_NOT_NEEDED = "visa_granted_or_not_needed"
    TRAVEL_SECURITY_PLAN_RECORDED = "travel_security_plan_recorded"
    ARRIVAL_CONFIRMED = "arrival_confirmed"
    RELOCATION_OUTCOME_RECORDED = "relocation_outcome_recorded"
    WELLBEING_CHECK_IN_RECORDED = "wellbeing_check_in_recorded"
    RETURN_REVIEW_DONE = "return_review_done"
    DEFENDER_CHOOSES_RETURN = "defender_chooses_return"
    RETURN_SECURITY_PLAN_RECORDED = "return_security_plan_recorded"
    ONWARD_PLACEMENT_CONFIRMED = "onward_placement_confirmed"
    EXTENSION_GRANTED = "extension_granted"
    ASYLUM_REFERRAL_CONSENT_RECORDED = "asylum_referral_consent_recorded"
    REFERRAL_TO_COUNSEL_MADE = "referral_to_counsel_made"
    DEFENDER_DECLINES_ASYLUM = "defender_declines_asylum"
    FOLLOW_UP_COMPLETED = "follow_up_completed"
    NEW_THREAT_RECORDED = "new_threat_recorded"
    RETENTION_PERIOD_ENDED = "retention_period_ended"
    ERASURE_APPROVED_BY_SECOND_PERSON = "erasure_approved_by_second_person"
    VISA_APPLICATION_SUBMITTED = "visa_application_submitted"
    VISA_DECISION_RECORDED = "visa_decision_recorded"
    VISA_NOT_REQUIRED = "visa_not_required"
    TRAVEL_BOOKED = "travel_booked"
    EXTENSION_REQUEST_SUBMITTED = "extension_request_submitted"
    EXTENSION_DECISION_RECORDED = "extension_decision_recorded"
    STAY_END_RECORDED = "stay_end_recorded"
    CANCELLATION_REASON_RECORDED = "cancellation_reason_recorded"

    @property
    def description(self) -> str:
        """The requirement in plain words, as a blocked move shows it."""
        return REQUIREMENT_DESCRIPTIONS[self]


REQUIREMENT_DESCRIPTIONS: dict[Requirement, str] = {
    Requirement.INTAKE_RECORDED: "the intake (who the defender is and how to reach them safely) is recorded",
    Requirement.CONSENT_TO_PROCESSING_RECORDED: "the defender's consent to the processing of their data is recorded",
    Requirement.SCREENING_RECORDED: "the screening (is this person a human rights defender) is recorded",
    Requirement.SCREENED_AS_DEFENDER: "the screening found that the person is a human rights defender",
    Requirement.SCREENED_OUT_REASON_RECORDED: "the reason the person was screened out is recorded",
    Requirement.NEW_INFORMATION_RECORDED: "new information that justifies reopening is recorded",
    Requirement.DEFENDER_INFORMED_OF_OUTCOME: "the defender has been told the outcome and, where possible, referred to other help",
    Requirement.RISK_ASSESSMENT_RECORDED: "a risk assessment is recorded",
    Requirement.PATHWAY_CHOSEN_WITH_DEFENDER: "a protection pathway has been chosen together with the defender",
    Requirement.CONSENT_TO_SHARE_WITH_PROGRAMME: "the defender's informed consent to share their data with the programme is recorded",
    Requirement.PROTECTION_ASSESSMENT_RECORDED: "a protection assessment (refugee and complementary protection) is recorded",
    Requirement.CLOSURE_REASON_RECORDED: "the reason for closing the case (a withdrawal, or protection arranged another way) is recorded",
    Requirement.PLACEMENT_ACCEPTED: "a programme has accepted the defender and the defender has accepted the place",
    Requirement.APPLICATION_OUTCOME_RECORDED: "the outcome of the application is recorded",
    Requirement.VISA_GRANTED_OR_NOT_NEEDED: "the visa is granted, or none is needed",
    Requirement.TRAVEL_SECURITY_PLAN_RECORDED: "a security plan for the journey is recorded",
    Requirement.ARRIVAL_CONFIRMED: "the defender's safe arrival is confirmed",
    Requirement.RELOCATION_OUTCOME_RECORDED: "why the relocation did not go ahead is recorded",
    Requirement.WELLBEING_CHECK_IN_RECORDED: "a recent wellbeing check-in is recorded",
    Requirement.RETURN_REVIEW_DONE: "the return review, with the risk on return, is done",
    Requirement.DEFENDER_CHOOSES_RETURN: "the defender has chosen, freely and informed, to return",
    Requirement.RETURN_SECURITY_PLAN_RECORDED: "a security plan for the return is recorded",
    Requirement.ONWARD_PLACEMENT_CONFIRMED: "an onward placement is confirmed",
    Requirement.EXTENSION_GRANTED: "the programme has granted an extension of the stay",
    Requirement.ASYLUM_REFERRAL_CONSENT_RECORDED: "the defender's informed consent to the asylum referral is recorded",
    Requirement.REFERRAL_TO_COUNSEL_MADE: "the referral to legal counsel has been made",
    Requirement.DEFENDER_DECLINES_ASYLUM: "the defender's informed decision not to seek asylum is recorded",
    Requirement.FOLLOW_UP_COMPLETED: "the follow-up after return is completed",
    Requirement.NEW_THREAT_RECORDED: "a new threat is recorded",
    Requirement.RETENTION_PERIOD_ENDED: "the retention period has ended and no hold applies",
    Requirement.ERASURE_APPROVED_BY_SECOND_PERSON: "a second person has approved the erasure",
    Requirement.VISA_APPLICATION_SUBMITTED: "the visa application has been submitted",
    Requirement.VISA_DECISION_RECORDED: "the visa decision is recorded",
    Requirement.VISA_NOT_REQUIRED: "no visa is required for this journey",
    Requirement.TRAVEL_BOOKED: "the journey is booked",
    Requirement.EXTENSION_REQUEST_SUBMITTED: "the extension request has been submitted to the programme",
    Requirement.EXTENSION_DECISION_RECORDED: "the programme's decision on the extension is recorded",
    Requirement.STAY_END_RECORDED: "the end of the stay is recorded",
    Requirement.CANCELLATION_REASON_RECORDED: "the reason for cancelling is recorded",
}

StatusT = TypeVar("StatusT", CaseStatus, RelocationStatus)

_ROLE_WORDS: dict[Role, str] = {
    Role.COORDINATOR: "a coordinator",
    Role.CASEWORKER: "a caseworker",
    Role.LEGAL_ADVISER: "a legal adviser",
}


@dataclass(frozen=True)
class Transition(Generic[StatusT]):
    """One allowed move, with its label, the roles that may make it, its guards and its source."""

    source: StatusT
    target: StatusT
    label: str
    roles: frozenset[Role]
    requirements: tuple[Requirement, ...] = ()
    rule_source: str = "Haven case lifecycle (docs/case-lifecycle.md)"

    def blocked_by(self, *, role: str, satisfied: Collection[str]) -> tuple[str, ...]:
        """Return the reasons, in plain words, why this role cannot make this move now."""
        reasons: list[str] = []
        if role not in self.roles:
            allowed = " or ".join(_ROLE_WORDS[r] for r in sorted(self.roles))
            reasons.append(f"only {allowed} may do this")
        reasons.extend(
            f"needs: {requirement.description}"
            for requirement in self.requirements
            if requirement not in satisfied
        )
        return tuple(reasons)


@dataclass(frozen=True)
class TransitionOption(Generic[StatusT]):
    """A possible next status, and either that it is allowed or why it is blocked."""

    transition: Transition[StatusT]
    blocked_by: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocked_by

    @property
    def target(self) -> StatusT:
        return self.transition.target


class TransitionError(ValueError):
    """An illegal move: no such transition, a role that may not make it, or unmet requirements."""

    def __init__(self, message: str, *, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons


@dataclass(frozen=True)
class StateMachine(Generic[StatusT]):
    """A set of statuses and the transitions between them, with an initial and final statuses."""

    name: str
    initial: StatusT
    final: frozenset[StatusT]
    transitions: tuple[Transition[StatusT], ...]
    _by_source: dict[StatusT, tuple[Transition[StatusT], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_source: dict[StatusT, list[Transition[StatusT]]] = {}
        seen: set[tuple[StatusT, StatusT]] = set()
        for transition in self.transitions:
            key = (transition.source, transition.target)
            if key in seen:
                raise ValueError(f"duplicate transition {transition.source} -> {transition.target}")
            seen.add(key)
            by_source.setdefault(transition.source, []).append(transition)
        frozen = {source: tuple(moves) for source, moves in by_source.items()}
        object.__setattr__(self, "_by_source", frozen)

    @property
    def statuses(self) -> tuple[StatusT, ...]:
        return tuple(type(self.initial))

    def transitions_from(self, status: StatusT) -> tuple[Transition[StatusT], ...]:
        """Return every transition out of ``status``, allowed or not."""
        return self._by_source.get(status, ())

    def options(
        self, status: StatusT, *, role: str, satisfied: Iterable[str] = ()
    ) -> tuple[TransitionOption[StatusT], ...]:
        """Return each possible next status with the reasons it is blocked (none if allowed)."""
        met = frozenset(satisfied)
        return tuple(
            TransitionOption(transition, transition.blocked_by(role=role, satisfied=met))
            for transition in self.transitions_from(status)
        )

    def allowed_targets(
        self, status: StatusT, *, role: str, satisfied: Iterable[str] = ()
    ) -> tuple[StatusT, ...]:
        """Return the statuses this role may move to now."""
        return tuple(
            option.target
            for option in self.options(status, role=role, satisfied=satisfied)
            if option.allowed
        )

    def transition(
        self, status: StatusT, target: StatusT, *, role: str, satisfied: Iterable[str] = ()
    ) -> Transition[StatusT]:
        """
        Return the transition from ``status`` to ``target`` if this role may make it now.

        Raises ``TransitionError`` naming every reason the move is refused, so the caller can
        show it as it is; the message holds status and requirement names only, never case data.
        """
        for candidate in self.transitions_from(status):
            if candidate.target == target:
                reasons = candidate.blocked_by(role=role, satisfied=frozenset(satisfied))
                if reasons:
                    raise TransitionError(
                        f"A {self.name} cannot move from {status.value} to {target.value}"
                        f" ({candidate.label}) yet: " + "; ".join(reasons) + ".",
                        reasons=reasons,
                    )
                return candidate
        nexts = ", ".join(t.target.value for t in self.transitions_from(status))
        follow = (
            f"from {status.value} it can go to: {nexts}" if nexts else f"{status.value} is final"
        )
        raise TransitionError(
            f"A {self.name} cannot move from {status.value} to {target.value}; {follow}.",
            reasons=(f"no transition from {status.value} to {target.value}",),
        )

    def reachable_from(self, status: StatusT) -> frozenset[StatusT]:
        """Return every status reachable from ``status`` (itself included), ignoring guards."""
        seen = {status}
        queue = deque([status])
        while queue:
            for transition in self.transitions_from(queue.popleft()):
                if transition.target not in seen:
                    seen.add(transition.target)
                    queue.append(transition.target)
        return frozenset(seen)


def _case(
    source: CaseStatus,
    target: CaseStatus,
    label: str,
    roles: Iterable[Role],
    *requirements: Requirement,
    rule_source: str = "Haven case lifecycle (docs/case-lifecycle.md)",
) -> Transition[CaseStatus]:
    return Transition(source, target, label, frozenset(roles), requirements, rule_source)


_STAFF = (Role.CASEWORKER, Role.COORDINATOR)
_COORDINATION = (Role.COORDINATOR,)
_LEGAL = (Role.LEGAL_ADVISER, Role.COORDINATOR)
_DECLARATION = "UN Declaration on Human Rights Defenders (GA res 53/144, 1998), art 1"
_NON_REFOULEMENT = "Refugee Convention 1951 art 33; ECHR art 3; CAT art 3 (no return to a real risk of serious harm)"
_PROTECTION = "Refugee Convention 1951 art 1A(2); Directive 2011/95/EU art 15"
_CONSENT = (
    "Informed consent to each disclosure of the defender's data (Haven security requirements)"
)

_WITHDRAWABLE = (
    CaseStatus.INTAKE,
    CaseStatus.SCREENING,
    CaseStatus.ASSESSMENT,
    CaseStatus.PATHWAY_PLANNING,
    CaseStatus.APPLYING,
    CaseStatus.RELOCATION_PREPARATION,
)

CASE_TRANSITIONS: tuple[Transition[CaseStatus], ...] = (
    _case(
        CaseStatus.INTAKE,
        CaseStatus.SCREENING,
        "Start the screening",
        _STAFF,
        Requirement.INTAKE_RECORDED,
        Requirement.CONSENT_TO_PROCESSING_RECORDED,
        rule_source=_CONSENT,
    ),
    _case(
        CaseStatus.SCREENING,
        CaseStatus.ASSESSMENT,
        "Screened as a defender: assess the risk",
        _STAFF,
        Requirement.SCREENING_RECORDED,
        Requirement.SCREENED_AS_DEFENDER,
        rule_source=_DECLARATION,
    ),
    _case(
        CaseStatus.SCREENING,
        CaseStatus.NOT_ELIGIBLE,
        "Screen out: not a human rights defender",
        _COORDINATION,
        Requirement.SCREENING_RECORDED,
        Requirement.SCREENED_OUT_REASON_RECORDED,
        rule_source=_DECLARATION,
    ),
    _case(
        CaseStatus.NOT_ELIGIBLE,
        CaseStatus.SCREENING,
        "Reopen the screening with new information",
        _COORDINATION,
        Requirement.NEW_INFORMATION_RECORDED,
    ),
    _case(
        CaseStatus.NOT_ELIGIBLE,
        CaseStatus.CLOSED,
        "Close after screening out",
        _COORDINATION,
        Requirement.DEFENDER_INFORMED_OF_OUTCOME,
    ),
    _case(
        CaseStatus.ASSESSMENT,
        CaseStatus.PATHWAY_PLANNING,
        "Risk assessed: plan the protection pathways",
        _STAFF,
        Requirement.RISK_ASSESSMENT_RECORDED,
    ),
    _case(
        CaseStatus.PATHWAY_PLANNING,
        CaseStatus.APPLYING,
        "Apply to a relocation programme",
        _STAFF,
        Requirement.PATHWAY_CHOSEN_WITH_DEFENDER,
        Requirement.CONSENT_TO_SHARE_WITH_PROGRAMME,
        rule_source=_CONSENT,
    ),
    _case(
        CaseStatus.PATHWAY_PLANNING,
        CaseStatus.ASYLUM_BRIDGE,
        "Open the asylum bridge",
        _LEGAL,
        Requirement.PROTECTION_ASSESSMENT_RECORDED,
        rule_source=_PROTECTION,
    ),
    _case(
        CaseStatus.APPLYING,
        CaseStatus.RELOCATION_PREPARATION,
        "Place accepted: prepare the relocation",
        _STAFF,
        Requirement.PLACEMENT_ACCEPTED,
    ),
    _case(
        CaseStatus.APPLYING,
        CaseStatus.PATHWAY_PLANNING,
        "Not placed: back to pathway planning",
        _STAFF,
        Requirement.APPLICATION_OUTCOME_RECORDED,
    ),
    _case(
        CaseStatus.RELOCATION_PREPARATION,
        CaseStatus.IN_RELOCATION,
        "Arrived at the host: the stay begins",
        _STAFF,
        Requirement.VISA_GRANTED_OR_NOT_NEEDED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
        Requirement.ARRIVAL_CONFIRMED,
    ),
    _case(
        CaseStatus.RELOCATION_PREPARATION,
        CaseStatus.PATHWAY_PLANNING,
        "Relocation did not go ahead: back to pathway planning",
        _STAFF,
        Requirement.RELOCATION_OUTCOME_RECORDED,
    ),
    _case(
        CaseStatus.IN_RELOCATION,
        CaseStatus.RETURN_REVIEW,
        "Start the return review",
        _STAFF,
        Requirement.WELLBEING_CHECK_IN_RECORDED,
        rule_source=_NON_REFOULEMENT,
    ),
    _case(
        CaseStatus.RETURN_REVIEW,
        CaseStatus.IN_RELOCATION,
        "Stay extended: continue the relocation",
        _COORDINATION,
        Requirement.EXTENSION_GRANTED,
    ),
    _case(
        CaseStatus.RETURN_REVIEW,
        CaseStatus.RETURNED_FOLLOW_UP,
        "Return home, with follow-up",
        _COORDINATION,
        Requirement.RETURN_REVIEW_DONE,
        Requirement.DEFENDER_CHOOSES_RETURN,
        Requirement.RETURN_SECURITY_PLAN_RECORDED,
        rule_source=_NON_REFOULEMENT,
    ),
    _case(
        CaseStatus.RETURN_REVIEW,
        CaseStatus.ONWARD_RELOCATION,
        "Relocate onward to another placement",
        _COORDINATION,
        Requirement.RETURN_REVIEW_DONE,
        Requirement.ONWARD_PLACEMENT_CONFIRMED,
        Requirement.CONSENT_TO_SHARE_WITH_PROGRAMME,
        rule_source=_NON_REFOULEMENT,
    ),
    _case(
        CaseStatus.RETURN_REVIEW,
        CaseStatus.ASYLUM_BRIDGE,
        "Open the asylum bridge",
        _LEGAL,
        Requirement.RETURN_REVIEW_DONE,
        Requirement.PROTECTION_ASSESSMENT_RECORDED,
        rule_source=_NON_REFOULEMENT,
    ),
    _case(
        CaseStatus.ONWARD_RELOCATION,
        CaseStatus.IN_RELOCATION,
        "Arrived at the onward placement",
        _STAFF,
        Requirement.VISA_GRANTED_OR_NOT_NEEDED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
        Requirement.ARRIVAL_CONFIRMED,
    ),
    _case(
        CaseStatus.ONWARD_RELOCATION,
        CaseStatus.RETURN_REVIEW,
        "Onward relocation did not go ahead: back to the return review",
        _STAFF,
        Requirement.RELOCATION_OUTCOME_RECORDED,
    ),
    _case(
        CaseStatus.ASYLUM_BRIDGE,
        CaseStatus.CLOSED,
        "Referred to legal counsel: close the case",
        _LEGAL,
        Requirement.ASYLUM_REFERRAL_CONSENT_RECORDED,
        Requirement.REFERRAL_TO_COUNSEL_MADE,
        rule_source=_CONSENT,
    ),
    _case(
        CaseStatus.ASYLUM_BRIDGE,
        CaseStatus.RETURN_REVIEW,
        "Defender declines asylum: back to the return review",
        _LEGAL,
        Requirement.DEFENDER_DECLINES_ASYLUM,
    ),
    _case(
        CaseStatus.ASYLUM_BRIDGE,
        CaseStatus.PATHWAY_PLANNING,
        "Defender declines asylum: back to pathway planning",
        _LEGAL,
        Requirement.DEFENDER_DECLINES_ASYLUM,
    ),
    _case(
        CaseStatus.RETURNED_FOLLOW_UP,
        CaseStatus.CLOSED,
        "Follow-up done: close the case",
        _COORDINATION,
        Requirement.FOLLOW_UP_COMPLETED,
    ),
    _case(
        CaseStatus.RETURNED_FOLLOW_UP,
        CaseStatus.ASSESSMENT,
        "New threat after return: assess the risk again",
        _STAFF,
        Requirement.NEW_THREAT_RECORDED,
    ),
    *(
        _case(
            status,
            CaseStatus.CLOSED,
            "Close: the defender withdraws or is protected without relocation",
            _COORDINATION,
            Requirement.CLOSURE_REASON_RECORDED,
        )
        for status in _WITHDRAWABLE
    ),
    _case(
        CaseStatus.CLOSED,
        CaseStatus.SCREENING,
        "Reopen the case with new information",
        _COORDINATION,
        Requirement.NEW_INFORMATION_RECORDED,
    ),
    _case(
        CaseStatus.CLOSED,
        CaseStatus.ERASED,
        "Erase the case (crypto-shred its keys)",
        _COORDINATION,
        Requirement.RETENTION_PERIOD_ENDED,
        Requirement.ERASURE_APPROVED_BY_SECOND_PERSON,
    ),
)

CASE_MACHINE: StateMachine[CaseStatus] = StateMachine(
    name="case",
    initial=CaseStatus.INTAKE,
    final=frozenset({CaseStatus.ERASED}),
    transitions=CASE_TRANSITIONS,
)


#: Moves that the records make, not a person: once a stay's records meet every requirement of
#: one of these, the case follows on its own (an accepted offer opens the preparation; a
#: confirmed arrival with the visa and the travel plan in place starts the stay; an opened return
#: review starts the review; a recorded return, after a review in which the defender chose to go
#: home and a return plan, starts the follow-up). Nobody's role is asked, because nobody chooses: the records decide.
RECORD_DRIVEN_MOVES: frozenset[tuple[CaseStatus, CaseStatus]] = frozenset(
    {
        (CaseStatus.APPLYING, CaseStatus.RELOCATION_PREPARATION),
        (CaseStatus.RELOCATION_PREPARATION, CaseStatus.IN_RELOCATION),
        (CaseStatus.IN_RELOCATION, CaseStatus.RETURN_REVIEW),
        (CaseStatus.RETURN_REVIEW, CaseStatus.RETURNED_FOLLOW_UP),
    }
)


def follow_records(
    status: CaseStatus, target: CaseStatus, *, satisfied: Iterable[str]
) -> Transition[CaseStatus]:
    """
    Return the record-driven transition from ``status`` to ``target`` when the records (stated
    in ``satisfied``) meet all its requirements; raise ``TransitionError`` otherwise.
    """
    if (status, target) not in RECORD_DRIVEN_MOVES:
        raise TransitionError(
            f"A case does not move from {status.value} to {target.value} by its records.",
            reasons=(f"no record-driven move from {status.value} to {target.value}",),
        )
    met = frozenset(satisfied)
    for transition in CASE_MACHINE.transitions_from(status):
        if transition.target == target:
            missing = tuple(
                f"needs: {requirement.description}"
                for requirement in transition.requirements
                if requirement not in met
            )
            if missing:
                raise TransitionError(
                    f"A case cannot move from {status.value} to {target.value} yet: "
                    + "; ".join(missing)
                    + ".",
                    reasons=missing,
                )
            return transition
    raise TransitionError(f"no transition from {status.value} to {target.value}")


def _relocation(
    source: RelocationStatus,
    target: RelocationStatus,
    label: str,
    *requirements: Requirement,
) -> Transition[RelocationStatus]:
    return Transition(source, target, label, frozenset(_STAFF), requirements)


_CANCELLABLE = (
    RelocationStatus.PLANNED,
    RelocationStatus.VISA_APPLIED,
    RelocationStatus.VISA_GRANTED,
    RelocationStatus.VISA_REFUSED,
)

RELOCATION_TRANSITIONS: tuple[Transition[RelocationStatus], ...] = (
    _relocation(
        RelocationStatus.PLANNED,
        RelocationStatus.VISA_APPLIED,
        "Visa applied for",
        Requirement.VISA_APPLICATION_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.PLANNED,
        RelocationStatus.TRAVELLING,
        "No visa needed: travel",
        Requirement.VISA_NOT_REQUIRED,
        Requirement.TRAVEL_BOOKED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
    ),
    _relocation(
        RelocationStatus.VISA_APPLIED,
        RelocationStatus.VISA_GRANTED,
        "Visa granted",
        Requirement.VISA_DECISION_RECORDED,
    ),
    _relocation(
        RelocationStatus.VISA_APPLIED,
        RelocationStatus.VISA_REFUSED,
        "Visa refused",
        Requirement.VISA_DECISION_RECORDED,
    ),
    _relocation(
        RelocationStatus.VISA_REFUSED,
        RelocationStatus.VISA_APPLIED,
        "Apply again or appeal the refusal",
        Requirement.VISA_APPLICATION_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.VISA_GRANTED,
        RelocationStatus.TRAVELLING,
        "Travel to the host",
        Requirement.TRAVEL_BOOKED,
        Requirement.TRAVEL_SECURITY_PLAN_RECORDED,
    ),
    _relocation(
        RelocationStatus.TRAVELLING,
        RelocationStatus.IN_STAY,
        "Arrived: the stay begins",
        Requirement.ARRIVAL_CONFIRMED,
    ),
    _relocation(
        RelocationStatus.IN_STAY,
        RelocationStatus.EXTENSION_REQUESTED,
        "Request an extension of the stay",
        Requirement.WELLBEING_CHECK_IN_RECORDED,
        Requirement.EXTENSION_REQUEST_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.EXTENSION_REQUESTED,
        RelocationStatus.EXTENDED,
        "Extension granted",
        Requirement.EXTENSION_DECISION_RECORDED,
        Requirement.EXTENSION_GRANTED,
    ),
    _relocation(
        RelocationStatus.EXTENSION_REQUESTED,
        RelocationStatus.IN_STAY,
        "Extension refused: the stay continues to its planned end",
        Requirement.EXTENSION_DECISION_RECORDED,
    ),
    _relocation(
        RelocationStatus.EXTENDED,
        RelocationStatus.EXTENSION_REQUESTED,
        "Request a further extension",
        Requirement.WELLBEING_CHECK_IN_RECORDED,
        Requirement.EXTENSION_REQUEST_SUBMITTED,
    ),
    _relocation(
        RelocationStatus.IN_STAY,
        RelocationStatus.ENDED,
        "The stay ends",
        Requirement.STAY_END_RECORDED,
    ),
    _relocation(
        RelocationStatus.EXTENDED,
        RelocationStatus.ENDED,
        "The extended stay ends",
        Requirement.STAY_END_RECORDED,
    ),
    _relocation(
        RelocationStatus.TRAVELLING,
        RelocationStatus.CANCELLED,
        "The journey was stopped",
        Requirement.CANCELLATION_REASON_RECORDED,
    ),
    *(
        _relocation(
            status,
            RelocationStatus.CANCELLED,
            "Cancel the relocation",
            Requirement.CANCELLATION_REASON_RECORDED,
        )
        for status in _CANCELLABLE
    ),
)

RELOCATION_MACHINE: StateMachine[RelocationStatus] = StateMachine(
    name="relocation",
    initial=RelocationStatus.PLANNED,
    final=frozenset({RelocationStatus.ENDED, RelocationStatus.CANCELLED}),
    transitions=RELOCATION_TRANSITIONS,
)
