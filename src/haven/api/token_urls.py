"""The ``tokens`` URLs: each stands above the view it serves, in ``haven.api.views``."""

from haven.api import views

app_name = "tokens"
urlpatterns = views.routes.urlpatterns
