from django.urls import path

from haven.relocations import views

app_name = "relocations"

urlpatterns = [
    path("", views.stay_list, name="list"),
    path("reminders/read/", views.reminders_read, name="reminders_read"),
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
    path("<uuid:stay_id>/return-review/", views.return_review_open, name="review_open"),
    path(
        "<uuid:stay_id>/return-review/decision/",
        views.return_review_decide,
        name="review_decide",
    ),
    path("<uuid:stay_id>/return-plan/", views.return_plan_save, name="return_plan"),
    path("<uuid:stay_id>/return/", views.return_record, name="return"),
    path("<uuid:stay_id>/outcome/", views.outcome_record, name="outcome"),
    path("follow-ups/<uuid:follow_up_id>/", views.follow_up_record, name="follow_up"),
    path("<uuid:stay_id>/cancel/", views.stay_cancel, name="cancel"),
    path("<uuid:stay_id>/travel-plan/shred/", views.travel_plan_shred, name="shred"),
    path("travellers/<uuid:traveller_id>/", views.traveller_record, name="traveller"),
    path(
        "extensions/<uuid:extension_id>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
]
