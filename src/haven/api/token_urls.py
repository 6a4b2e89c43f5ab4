from django.urls import path

from haven.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("new/", views.token_create, name="create"),
    path("<uuid:token_id>/revoke/", views.token_revoke, name="revoke"),
]
