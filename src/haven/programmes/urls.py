"""The ``programmes`` URLs: each stands above the view it serves, in ``haven.programmes.views``."""

from haven.programmes import views

app_name = "programmes"
urlpatterns = views.routes.urlpatterns
