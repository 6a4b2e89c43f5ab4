"""
The API's documentation page, which loads nothing from another host.

django-ninja's own viewers (``Swagger``, ``Redoc``) fetch their assets from a CDN, and when
``ninja`` is not an installed app they read their templates from the package by absolute path,
so a template of the same name in Haven would never be used. Passing ``docs=SchemaOnlyDocs()``
replaces the viewer itself: whatever ``docs_url`` is set to, the page is Haven's own and points
to the OpenAPI schema.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class SchemaOnlyDocs(DocsBase):
    """A page that names the schema's address instead of running a viewer."""

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        return render(request, "api/schema_only.html", {"openapi_url": openapi_url})
