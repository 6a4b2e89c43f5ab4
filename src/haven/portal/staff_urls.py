"""The staff side of the portal, under /intake/: outside /portal/, so the portal's onion never serves it."""

from haven.portal import views

app_name = "intake"
urlpatterns = views.intake_routes.urlpatterns
