"""The ``members`` URLs: each stands above the view it serves, in ``haven.accounts.views``."""

from haven.accounts import views

app_name = "members"
urlpatterns = views.member_routes.urlpatterns
