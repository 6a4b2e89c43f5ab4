from django.urls import path

from haven.relocations import views

app_name = "relocations"

urlpatterns = [
    path("", views.stay_list, name="list"),
    path("offers/<uuid:application_id>/accept/", views.stay_open, name="open"),
    path("<uuid:stay_id>/", views.stay_detail, name="detail"),
    path("<uuid:stay_id>/visa/", views.visa_record, name="visa"),
    path("<uuid:stay_id>/preparation/", views.preparation_save, name="preparation"),
    path("<uuid:stay_id>/arrival/", views.arrival_confirm, name="arrival"),
    path("<uuid:stay_id>/check-ins/", views.check_in_record, name="check_in"),
    path("<uuid:stay_id>/incidents/", views.incident_record, name="incident"),
    path("<uuid:stay_id>/activities/", views.activity_record, name="activity"),
    path("<uuid:stay_id>/extensions/", views.extension_request, name="extension"),
    path("<uuid:stay_id>/letter/<str:language>/", views.letter_download, name="letter"),
    path(
        "programmes/<uuid:programme_id>/letter/<str:language>/",
        views.letter_template,
        name="letter_template",
    ),
    path(
        "extensions/<uuid:extension_id>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
]
