"""The ``counsel`` URLs: each stands above the view it serves, in ``haven.counsel.views``."""

from haven.counsel import views

app_name = "counsel"
urlpatterns = views.routes.urlpatterns
