"""The defenders' pages, served under /portal/ (and alone through the portal's onion service)."""

from haven.portal import views

app_name = "portal"
urlpatterns = views.routes.urlpatterns
