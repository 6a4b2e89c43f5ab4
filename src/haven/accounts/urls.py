"""The ``accounts`` URLs: each stands above the view it serves, in ``haven.accounts.views``."""

from haven.accounts import views

app_name = "accounts"
urlpatterns = views.routes.urlpatterns
