"""The records that can be corrected, one of them by kind and id, and the corrections of one."""

import uuid
from typing import Any

from haven.cases.models import Case, Consent, Dependant, Prosecution, RecordCorrection, Threat
from haven.cases.selectors.case import _record_get
from haven.cases.selectors.common import CaseNotFoundError
from haven.organisations.models import Membership


def record_corrections(
    *, membership: Membership | None, case: Case, kind: str, record_id: uuid.UUID
) -> list[RecordCorrection]:
    """The corrections of one record of ``case`` (from ``case_get``), newest first."""
    corrections = list(
        RecordCorrection.objects.filter(case=case, record_kind=kind, record_id=record_id)
        .select_related("recorded_by")
        .order_by("-recorded_at")
    )
    for correction in corrections:
        correction.case = case
    return corrections


#: The records that can be corrected, by the kind named in the correction URL: the model's name,
#: as ``RecordCorrection.record_kind`` stores it.
CORRECTABLE_MODELS: dict[str, Any] = {
    str(model._meta.model_name): model for model in (Threat, Prosecution, Dependant, Consent)
}


def correctable_record_get(
    *, membership: Membership | None, kind: str, record_id: uuid.UUID
) -> Any:
    """Return a threat, prosecution, dependant or consent of a case the member may see, or 404."""
    model = CORRECTABLE_MODELS.get(kind)
    if model is None:
        raise CaseNotFoundError
    return _record_get(membership, model, record_id)
