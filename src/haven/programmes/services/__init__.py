"""
Writes to the programme catalogue, intake windows, applications and matching runs, one module per
topic, re-exported here.

Every service takes the acting member first, keyword-only, as ``membership`` (``SYSTEM`` for the
demo seeders and benchmarks), runs in one transaction and writes its audit event in it. Refusals
are ``ProgrammeError`` with a translated message.
"""

from haven.programmes.errors import ProgrammeError
from haven.programmes.services.applications import (
    MATCHABLE_STATUSES,
    OPEN_STATUSES,
    REVIEW_STATUSES,
    TRANSITIONS,
    application_change_status,
    application_check_eligibility,
    application_create,
    application_record_consent,
    matching_limits_set,
    persecutor_reach_set,
)
from haven.programmes.services.catalogue import (
    host_partner_assign,
    programme_catalogue_seed,
    programme_update,
)
from haven.programmes.services.matching import (
    matching_run_approve,
    matching_run_create,
    matching_run_remove_placement,
)
from haven.programmes.services.windows import WINDOW_FIELDS, intake_window_save

__all__ = [
    "MATCHABLE_STATUSES",
    "OPEN_STATUSES",
    "REVIEW_STATUSES",
    "TRANSITIONS",
    "WINDOW_FIELDS",
    "ProgrammeError",
    "application_change_status",
    "application_check_eligibility",
    "application_create",
    "application_record_consent",
    "host_partner_assign",
    "intake_window_save",
    "matching_limits_set",
    "matching_run_approve",
    "matching_run_create",
    "matching_run_remove_placement",
    "persecutor_reach_set",
    "programme_catalogue_seed",
    "programme_update",
]
