"""The URL map. Every route must declare its access policy: ``tests/web/test_url_policies.py`` walks them all."""

from django.urls import include, path
from django.views.i18n import set_language

from haven.accounts.access import public

urlpatterns = [
    path("", include("haven.web.urls")),
    path("accounts/tokens/", include("haven.api.token_urls")),
    path("accounts/", include("haven.accounts.urls")),
    path("members/", include("haven.accounts.member_urls")),
    path("audit/", include("haven.web.audit_urls")),
    path("cases/", include("haven.cases.urls")),
    path("programmes/", include("haven.programmes.urls")),
    path("portal/", include("haven.portal.urls")),
    path("intake/", include("haven.portal.staff_urls")),
    path("relocations/", include("haven.relocations.urls")),
    path("asylum/", include("haven.asylum.urls")),
    path("counsel/", include("haven.counsel.urls")),
    path("reports/", include("haven.reports.urls")),
    path("api/v1/", include("haven.api.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
]

handler400 = "haven.web.views.bad_request"
handler403 = "haven.web.views.permission_denied"
handler404 = "haven.web.views.page_not_found"
handler500 = "haven.web.views.server_error"
