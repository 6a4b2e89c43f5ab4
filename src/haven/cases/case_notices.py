"""
What apps above ``cases`` have to tell the case team on the case page.

``cases`` cannot import the apps that keep records of a case's later life, so each registers, at
start-up, a notice source: ``source(membership, case)`` returns the notices this member should
see on this case's page (the asylum bridge: a link to its records, and a warning when the legal
adviser's opinion diverges from the engine). A source checks its own permissions and returns
nothing to a member who may not see its records.
"""

from collections.abc import Callable
from dataclasses import dataclass

from haven.cases.models import Case
from haven.organisations.models import Membership


@dataclass(frozen=True)
class CaseNotice:
    """One line on the case page: translated text, an optional link, and whether it warns."""

    text: str
    url: str = ""
    link_text: str = ""
    warning: bool = False
    details: tuple[str, ...] = ()


NoticeSource = Callable[[Membership, Case], list[CaseNotice]]

_SOURCES: list[NoticeSource] = []


def register_notice_source(source: NoticeSource) -> None:
    """Have ``source(membership, case)`` add its notices to every case page."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def case_notices(membership: Membership, case: Case) -> list[CaseNotice]:
    """Every registered app's notices for this member on this case, warnings first."""
    notices = [notice for source in _SOURCES for notice in source(membership, case)]
    return sorted(notices, key=lambda notice: not notice.warning)
