"""
The main navigation of the staff pages, as a context processor (``haven_navigation``).

The layout used to reverse every link's URL and test every permission in the template on every
signed-in page (issue 17). The links' URLs do not depend on the member, so they are reversed once
per process (and per script prefix and URL configuration, which reversing depends on); only the
choice of links (the member's permissions) and their labels (the reader's language) are per
request. Links not granted are not listed, exactly as the template's tests did. The log-out form's
address, on every signed-in page too, is reversed once in the same way.
"""

import functools
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.organisations.policy import Permission, permissions_of


@dataclass(frozen=True)
class NavigationLink:
    """One entry of the main navigation: shown to members holding ``permission`` (or all)."""

    label: Promise
    url_name: str
    permission: Permission | None = None
    #: Shown instead of ``label`` to members who also hold ``instead_for``.
    instead: Promise | None = None
    instead_for: Permission | None = None


MAIN_NAVIGATION = (
    NavigationLink(_("Dashboard"), "web:dashboard"),
    NavigationLink(_("Cases"), "cases:list", Permission.CASE_VIEW),
    NavigationLink(_("Members"), "members:list", Permission.MANAGE_MEMBERS),
    NavigationLink(_("Programmes"), "programmes:list", Permission.VIEW_PROGRAMMES),
    NavigationLink(
        _("Applications to host"), "programmes:hosted", Permission.VIEW_HOSTED_APPLICATIONS
    ),
    NavigationLink(
        _("Stays"),
        "relocations:list",
        Permission.STAY_VIEW,
        instead=_("Stays to host"),
        instead_for=Permission.STAY_HOST,
    ),
    NavigationLink(_("Portal referrals"), "intake:queue", Permission.PORTAL_TRIAGE),
    NavigationLink(
        _("Legal-aid partners"), "counsel:partners", Permission.COUNSEL_DIRECTORY_MANAGE
    ),
    NavigationLink(_("Overview"), "reports:overview", Permission.VIEW_OVERVIEW),
    NavigationLink(_("Reports"), "reports:report", Permission.VIEW_REPORTS),
    NavigationLink(_("Audit log"), "audit:events", Permission.VIEW_AUDIT_LOG),
    NavigationLink(_("Security and sessions"), "accounts:security"),
)


@functools.cache
def _url(name: str, prefix: str, urlconf: Any) -> str:
    return reverse(name)


def navigation(request: HttpRequest) -> dict[str, object]:
    """
    The main navigation links the signed-in member may follow, as (label, URL) pairs, and where
    the log-out form posts.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"haven_navigation": ()}
    granted = permissions_of(getattr(request, "membership", None))
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return {
        "haven_logout_url": _url("accounts:logout", prefix, urlconf),
        "haven_navigation": [
            (
                link.instead if link.instead_for in granted else link.label,
                _url(link.url_name, prefix, urlconf),
            )
            for link in MAIN_NAVIGATION
            if link.permission is None or link.permission in granted
        ],
    }
