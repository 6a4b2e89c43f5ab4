"""
The statuses a case and a relocation pass through, the roles that move them, and the
requirements a move can ask for, each with the words a person reads.
"""

from __future__ import annotations

from enum import StrEnum, unique


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
    ASYLUM_CLAIM_LODGED = "asylum_claim_lodged"
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
    Requirement.ASYLUM_CLAIM_LODGED: "the defender's asylum claim is lodged in the host state",
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


#: The roles that run a case day to day.
STAFF = (Role.CASEWORKER, Role.COORDINATOR)
