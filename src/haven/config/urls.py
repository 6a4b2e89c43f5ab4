"""The URL map. Every route must declare its access policy: ``tests/web/test_url_policies.py`` walks them all."""

from django.urls import include, path

urlpatterns = [
    path("", include("haven.web.urls")),
    path("accounts/", include("haven.accounts.urls")),
    path("audit/", include("haven.audit.urls")),
]

handler400 = "haven.web.views.bad_request"
handler403 = "haven.web.views.permission_denied"
handler404 = "haven.web.views.page_not_found"
handler500 = "haven.web.views.server_error"
