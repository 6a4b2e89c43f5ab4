"""
Panels that apps above ``cases`` add to pages of ``cases`` and ``programmes``.

``cases`` and ``programmes`` sit below the apps that know about a case's later life (the asylum
bridge), so they cannot import them. Such an app registers, at start-up, a panel source for a
place; the page asks ``panels_for(place, ...)`` and includes each panel's template. A source
decides itself whether the acting member may see what it shows and returns ``None`` otherwise,
so a panel never widens who sees a page's data.

Notices are one kind of panel: a source that only has lines to tell the case team (a link to
records kept elsewhere, a warning) returns ``notices_panel(notices)``, which shows them in the
shared ``cases/_notices.html`` template, warnings first.

Places: ``case`` (the case page), ``application`` (one application, before and after
submission) and ``matching_placement`` (one proposed placement in a matching run's review; the
subject is the placement's programme).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from haven.cases.models import Case
from haven.organisations.models import Membership

PLACES = frozenset({"case", "application", "matching_placement"})


@dataclass(frozen=True)
class Panel:
    """A template to include and its context, shown under ``panel`` in that template."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseNotice:
    """One line of a notices panel: translated text, an optional link, and whether it warns."""

    text: str
    url: str = ""
    link_text: str = ""
    warning: bool = False
    details: tuple[str, ...] = ()


NOTICES_TEMPLATE = "cases/_notices.html"


def notices_panel(notices: list[CaseNotice]) -> Panel | None:
    """A panel listing ``notices``, warnings first; ``None`` when there is nothing to say."""
    if not notices:
        return None
    ordered = sorted(notices, key=lambda notice: not notice.warning)
    return Panel(NOTICES_TEMPLATE, {"notices": ordered})


PanelSource = Callable[[Membership, Case, Any], Panel | None]

_SOURCES: dict[str, list[PanelSource]] = {place: [] for place in PLACES}


def register_panel(place: str, source: PanelSource) -> None:
    """Have ``source(membership, case, subject)`` contribute a panel to ``place``'s pages."""
    if place not in PLACES:
        raise ValueError(f"unknown panel place {place!r}")
    if source not in _SOURCES[place]:
        _SOURCES[place].append(source)


def panels_for(
    place: str, *, membership: Membership, case: Case, subject: Any = None
) -> list[Panel]:
    """The panels the registered apps show at ``place`` for ``case`` to ``membership``."""
    panels = []
    for source in _SOURCES[place]:
        panel = source(membership, case, subject)
        if panel is not None:
            panels.append(panel)
    return panels
