"""The ``relocations`` URLs: each stands above the view it serves, in ``haven.relocations.views``."""

from haven.relocations import views

app_name = "relocations"
urlpatterns = views.routes.urlpatterns
