from django.urls import path

from haven.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("seed/", views.programme_seed, name="seed"),
    path("<uuid:programme_id>/", views.programme_detail, name="detail"),
    path("<uuid:programme_id>/edit/", views.programme_edit, name="edit"),
    path(
        "<uuid:programme_id>/host-partners/",
        views.programme_host_partner,
        name="host_partner",
    ),
    path("hosted/", views.hosted_applications, name="hosted"),
    path("<uuid:programme_id>/windows/new/", views.window_create, name="window_create"),
    path("windows/<uuid:window_id>/edit/", views.window_edit, name="window_edit"),
    path("cases/<uuid:case_id>/applications/", views.case_applications, name="case_applications"),
    path(
        "cases/<uuid:case_id>/persecutor-reach/",
        views.case_persecutor_reach,
        name="case_persecutor_reach",
    ),
    path("applications/", views.application_list, name="applications"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path(
        "applications/<uuid:application_id>/eligibility/",
        views.application_eligibility,
        name="application_eligibility",
    ),
    path(
        "applications/<uuid:application_id>/consent/",
        views.application_consent,
        name="application_consent",
    ),
    path(
        "applications/<uuid:application_id>/status/",
        views.application_status,
        name="application_status",
    ),
    path("runs/", views.run_list, name="runs"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/approve/", views.run_approve, name="run_approve"),
    path("runs/<uuid:run_id>/remove/", views.run_remove_placement, name="run_remove_placement"),
]
