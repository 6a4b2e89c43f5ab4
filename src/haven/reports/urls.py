from django.urls import path

from haven.reports import regimes, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("regimes/", regimes.regimes, name="regimes"),
    path("overview/", views.overview, name="overview"),
    path("<str:table>.csv", views.table_csv, name="table_csv"),
]
