"""
The main navigation of the staff pages and what the layout links to, as a context processor
(``haven_navigation``, its list items written out as ``haven_navigation_items``,
``haven_logout_url``, ``haven_home_url``, ``haven_set_language_url``, ``haven_languages``).

The layout used to reverse every link's URL and test every permission in the template on every
signed-in page (issue 17). The links' URLs do not depend on the member, so they are reversed once
per process (and per script prefix and URL configuration, which reversing depends on); the links a
set of permissions is offered, with their labels in one language, are worked out once per process
too, escaped as the template would escape them. Links not granted are not listed, exactly as the
template's tests did. The layout's other addresses (the brand's, the log-out and the language
forms') are reversed once in the same way, and the language choice lists each language by its own
name, the same on every page.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from haven.organisations.policy import Permission, permissions_of
from haven.web.templatetags.haven_i18n import active_catalogue


@dataclass(frozen=True)
class NavigationLink:
    """One entry of the main navigation: shown to members holding ``permission`` (or all)."""

    label: Promise
    url_name: str
    permission: Permission | None = None
    #: Shown instead of ``label`` to members who also hold ``instead_for``.
    instead: Promise | None = None
    instead_for: Permission | None = None

    def label_for(self, granted: frozenset[Permission]) -> Promise:
        """The label shown to a member holding ``granted``."""
        if self.instead is not None and self.instead_for in granted:
            return self.instead
        return self.label


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


@functools.lru_cache(maxsize=128)
def _links(
    granted: frozenset[Permission], catalogue: Any, prefix: str, urlconf: Any
) -> tuple[tuple[SafeString, SafeString], ...]:
    """
    The (label, URL) pairs offered to ``granted``, labels in ``catalogue``'s language (the active
    one: a reloaded catalogue is another key), both escaped once as the template would.
    """
    return tuple(
        (
            conditional_escape(str(link.label_for(granted))),
            conditional_escape(_url(link.url_name, prefix, urlconf)),
        )
        for link in MAIN_NAVIGATION
        if link.permission is None or link.permission in granted
    )


@functools.lru_cache(maxsize=128)
def _items(granted: frozenset[Permission], catalogue: Any, prefix: str, urlconf: Any) -> SafeString:
    """
    The layout's list items of those links, written once per process as its loop wrote them
    (a signed-in page renders the same dozen items on every request).
    """
    return SafeString(
        "".join(
            f'\n    <li><a href="{url}">{label}</a></li>'
            for label, url in _links(granted, catalogue, prefix, urlconf)
        )
    )


@functools.cache
def _languages(codes: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Each language offered, by its code and its own name ("español", "العربيّة")."""
    return tuple((code, get_language_info(code)["name_local"]) for code in codes)


def navigation(request: HttpRequest) -> dict[str, object]:
    """
    The main navigation links the signed-in member may follow, as (label, URL) pairs, where the
    log-out and language forms post, and the languages to choose from.
    """
    prefix, urlconf = get_script_prefix(), get_urlconf()
    layout = {
        "haven_home_url": _url("web:dashboard", prefix, urlconf),
        "haven_set_language_url": _url("set_language", prefix, urlconf),
        "haven_languages": _languages(tuple(code for code, _name in settings.LANGUAGES)),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**layout, "haven_navigation": ()}
    granted = permissions_of(getattr(request, "membership", None))
    catalogue = active_catalogue()
    return {
        **layout,
        "haven_logout_url": _url("accounts:logout", prefix, urlconf),
        "haven_navigation": _links(granted, catalogue, prefix, urlconf),
        "haven_navigation_items": _items(granted, catalogue, prefix, urlconf),
    }
