"""
Double submits: a form carries a one-time token, and the service that saves it claims the token in
its own transaction, so a second send of the same form saves nothing.
"""

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from haven.cases.errors import CaseError
from haven.cases.models import Case, FormReceipt

ALREADY_SUBMITTED = _("This form was already sent and saved once; it was not saved again.")


class DuplicateSubmissionError(CaseError):
    """A form's one-time token was used before; ``case_id`` names what the first submit made."""

    def __init__(self, case_id: Any) -> None:
        super().__init__(ALREADY_SUBMITTED)
        self.case_id = case_id


def form_receipt_claim(*, token: uuid.UUID | None, case: Case | None = None) -> FormReceipt | None:
    """
    Claim a form's one-time token inside the calling service's transaction; no token, no claim.

    The service claims first and saves after, in one transaction: if saving fails the claim is
    rolled back with it, so the form can be sent again. Raises DuplicateSubmissionError when the
    token was already used.
    """
    if token is None:
        return None
    existing = FormReceipt.objects.filter(pk=token).first()
    if existing is not None:
        raise DuplicateSubmissionError(existing.case_id)
    try:
        with transaction.atomic():
            return FormReceipt.objects.create(token=token, case=case)
    except IntegrityError:
        raise DuplicateSubmissionError(None) from None
