"""
The words people read for each requirement of a case move, and for the rule a move encodes, in
their language.

The requirements themselves, and the English the engines use, are ``haven.domain.lifecycle``
(which imports no Django); a refused move (``services.lifecycle``) and the case page's list of
moves name the unmet ones with these labels, so they read in the member's language.
"""

from collections.abc import Collection
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.domain.lifecycle import Requirement

#: One label per requirement a case move can ask for (``CASE_MACHINE``), the domain's words.
REQUIREMENT_LABELS: dict[Requirement, Promise] = {
    Requirement.INTAKE_RECORDED: _(
        "the intake (who the defender is and how to reach them safely) is recorded"
    ),
    Requirement.CONSENT_TO_PROCESSING_RECORDED: _(
        "the defender's consent to the processing of their data is recorded"
    ),
    Requirement.SCREENING_RECORDED: _(
        "the screening (is this person a human rights defender) is recorded"
    ),
    Requirement.SCREENED_AS_DEFENDER: _(
        "the screening found that the person is a human rights defender"
    ),
    Requirement.SCREENED_OUT_REASON_RECORDED: _(
        "the reason the person was screened out is recorded"
    ),
    Requirement.NEW_INFORMATION_RECORDED: _("new information that justifies reopening is recorded"),
    Requirement.DEFENDER_INFORMED_OF_OUTCOME: _(
        "the defender has been told the outcome and, where possible, referred to other help"
    ),
    Requirement.RISK_ASSESSMENT_RECORDED: _("a risk assessment is recorded"),
    Requirement.PATHWAY_CHOSEN_WITH_DEFENDER: _(
        "a protection pathway has been chosen together with the defender"
    ),
    Requirement.CONSENT_TO_SHARE_WITH_PROGRAMME: _(
        "the defender's informed consent to share their data with the programme is recorded"
    ),
    Requirement.PROTECTION_ASSESSMENT_RECORDED: _(
        "a protection assessment (refugee and complementary protection) is recorded"
    ),
    Requirement.PLACEMENT_ACCEPTED: _(
        "a programme has accepted the defender and the defender has accepted the place"
    ),
    Requirement.APPLICATION_OUTCOME_RECORDED: _("the outcome of the application is recorded"),
    Requirement.VISA_GRANTED_OR_NOT_NEEDED: _("the visa is granted, or none is needed"),
    Requirement.TRAVEL_SECURITY_PLAN_RECORDED: _("a security plan for the journey is recorded"),
    Requirement.ARRIVAL_CONFIRMED: _("the defender's safe arrival is confirmed"),
    Requirement.RELOCATION_OUTCOME_RECORDED: _("why the relocation did not go ahead is recorded"),
    Requirement.WELLBEING_CHECK_IN_RECORDED: _("a recent wellbeing check-in is recorded"),
    Requirement.EXTENSION_GRANTED: _("the programme has granted an extension of the stay"),
    Requirement.RETURN_REVIEW_DONE: _("the return review, with the risk on return, is done"),
    Requirement.DEFENDER_CHOOSES_RETURN: _(
        "the defender has chosen, freely and informed, to return"
    ),
    Requirement.RETURN_SECURITY_PLAN_RECORDED: _("a security plan for the return is recorded"),
    Requirement.ONWARD_PLACEMENT_CONFIRMED: _("an onward placement is confirmed"),
    Requirement.ASYLUM_CLAIM_LODGED: _("the defender's asylum claim is lodged in the host state"),
    Requirement.ASYLUM_REFERRAL_CONSENT_RECORDED: _(
        "the defender's informed consent to the asylum referral is recorded"
    ),
    Requirement.REFERRAL_TO_COUNSEL_MADE: _("the referral to legal counsel has been made"),
    Requirement.DEFENDER_DECLINES_ASYLUM: _(
        "the defender's informed decision not to seek asylum is recorded"
    ),
    Requirement.FOLLOW_UP_COMPLETED: _("the follow-up after return is completed"),
    Requirement.NEW_THREAT_RECORDED: _("a new threat is recorded"),
    Requirement.CLOSURE_REASON_RECORDED: _(
        "the reason for closing the case (a withdrawal, or protection arranged another way) is recorded"
    ),
    Requirement.RETENTION_PERIOD_ENDED: _("the retention period has ended and no hold applies"),
    Requirement.ERASURE_APPROVED_BY_SECOND_PERSON: _("a second person has approved the erasure"),
}


#: The rule each case move encodes (``Transition.rule_source``), in the reader's language: the
#: domain names it in English, with the repository path of Haven's own documents.
RULE_SOURCE_LABELS: dict[str, Promise] = {
    "Haven case lifecycle (docs/case-lifecycle.md)": _("Haven case lifecycle"),
    "UN Declaration on Human Rights Defenders (GA res 53/144, 1998), art 1": _(
        "UN Declaration on Human Rights Defenders (GA res 53/144, 1998), art. 1"
    ),
    "Refugee Convention 1951 art 33; ECHR art 3; CAT art 3 (no return to a real risk of serious harm)": _(
        "Refugee Convention 1951 art. 33; ECHR art. 3; CAT art. 3 (no return to a real risk of serious harm)"
    ),
    "Refugee Convention 1951 art 1A(2); Directive 2011/95/EU art 15": _(
        "Refugee Convention 1951 art. 1A(2); Directive 2011/95/EU art. 15"
    ),
    "Informed consent to each disclosure of the defender's data (Haven security requirements)": _(
        "Informed consent to each disclosure of the defender's data (Haven security requirements)"
    ),
}


def unmet_labels(transition: Any, satisfied: Collection[str]) -> list[Promise]:
    """The labels of the requirements of a case move (a ``Transition``) not yet satisfied."""
    return [REQUIREMENT_LABELS[need] for need in transition.requirements if need not in satisfied]
