"""The ``asylum`` URLs: each stands above the view it serves, in ``haven.asylum.views``."""

from haven.asylum import views

app_name = "asylum"
urlpatterns = views.routes.urlpatterns
