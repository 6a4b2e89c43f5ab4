"""The ``web`` URLs: each stands above the view it serves, in ``haven.web.views``."""

from haven.web import views

app_name = "web"
urlpatterns = views.routes.urlpatterns
