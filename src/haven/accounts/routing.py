"""
An app's URL table, declared beside the views it serves.

Each views module makes a ``Routes()`` and puts ``@routes.path(...)`` above each view, outermost,
above its access declaration (``haven.accounts.access``); the app's ``urls.py`` is then only
``urlpatterns = views.routes.urlpatterns``. Whoever reads a view sees its address and who may
reach it in one place, and no second list repeats every view's name.

Patterns are kept in the order the views are declared (module order for a package of view
modules, then file order), which is the order Django tries them in: where two routes could match
the same path, the one declared first wins, as in a hand-written ``urlpatterns``.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.urls import URLPattern, path

from haven.accounts.access import policy_of

View = TypeVar("View", bound=Callable[..., Any])


class Routes:
    """The URL patterns of one URL namespace, filled as its views are declared."""

    def __init__(self) -> None:
        self.urlpatterns: list[URLPattern] = []

    def path(
        self, route: str, *, name: str, kwargs: dict[str, Any] | None = None
    ) -> Callable[[View], View]:
        """
        Serve the decorated view at ``route`` (as ``django.urls.path``) under ``name``; ``kwargs``
        are passed to the view beside the route's own parameters, so one view can serve several
        addresses that differ only in what they record (each route stacked above the next).
        """

        def declare(view: View) -> View:
            if policy_of(view) is None:
                # Outermost, so the pattern serves the view with all its other decorators; a view
                # without a declaration would only be refused at run time (AZ-01), so fail now.
                raise TypeError(
                    f"{view.__qualname__}: put @routes.path above the access declaration "
                    "(@public, @sign_in_step, @signed_in or @requires)"
                )
            self.urlpatterns.append(path(route, view, kwargs=kwargs or {}, name=name))
            return view

        return declare
