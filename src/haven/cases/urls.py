"""The ``cases`` URLs: each stands above the view it serves, in ``haven.cases.views``."""

from haven.cases import views

app_name = "cases"
urlpatterns = views.routes.urlpatterns
