"""
The case lifecycle: every move from intake to erasure, who may make it, what must be true
first, and the rule each move encodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from haven.domain.lifecycle.machine import StateMachine, Transition
from haven.domain.lifecycle.states import STAFF, CaseStatus, Requirement, Role


def _case(
    source: CaseStatus,
    target: CaseStatus,
    label: str,
    roles: Iterable[Role],
    *requirements: Requirement,
    rule_source: str = "Haven case lifecycle (docs/case-lifecycle.md)",
) -> Transition[CaseStatus]:
    return Transition(source, target, label, frozenset(roles), requirements, rule_source)


_STAFF = STAFF
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
        CaseStatus.IN_RELOCATION,
        CaseStatus.ASYLUM_BRIDGE,
        "Claim lodged during the stay: open the asylum bridge",
        _LEGAL,
        Requirement.ASYLUM_CLAIM_LODGED,
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
