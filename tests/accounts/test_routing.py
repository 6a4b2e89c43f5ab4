"""A view's address is declared beside it (``haven.accounts.routing``): order and safety."""

import pytest
from django.http import HttpResponse
from django.urls import resolve

from haven.accounts.access import public
from haven.accounts.routing import Routes
from haven.cases import urls as case_urls


def test_routes_keep_the_order_the_views_are_declared_in():
    """Django tries patterns in order, so the first declared of two overlapping routes wins."""
    routes = Routes()

    @routes.path("<str:kind>/", name="any_kind")
    @public
    def any_kind(request, kind):
        return HttpResponse()

    @routes.path("new/", name="new")
    @public
    def new(request):
        return HttpResponse()

    assert [(str(p.pattern), p.name, p.callback) for p in routes.urlpatterns] == [
        ("<str:kind>/", "any_kind", any_kind),
        ("new/", "new", new),
    ]


def test_a_route_above_no_access_declaration_fails_at_import():
    """Below ``@requires`` (or with none) the view would be refused at run time: say so at once."""
    routes = Routes()

    with pytest.raises(TypeError, match="above the access declaration"):

        @public
        @routes.path("undeclared/", name="undeclared")
        def undeclared(request):
            return HttpResponse()

    assert routes.urlpatterns == []


def test_an_app_urls_module_serves_the_views_declared_in_its_view_modules():
    """``haven.cases.urls`` lists nothing itself; the case page is found through its declaration."""
    match = resolve("/cases/00000000-0000-0000-0000-000000000007/")

    assert match.view_name == "cases:detail"
    assert match.func in [p.callback for p in case_urls.urlpatterns]
