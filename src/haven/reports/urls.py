from django.urls import path

from haven.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("regimes/", views.regimes, name="regimes"),
    path("overview/", views.overview, name="overview"),
    path("<str:table>.csv", views.table_csv, name="table_csv"),
]
