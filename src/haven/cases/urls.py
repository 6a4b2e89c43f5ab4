from django.urls import path

from haven.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/timeline/", views.case_timeline, name="timeline"),
    path("<uuid:case_id>/reveal/", views.identity_reveal, name="reveal"),
    path("<uuid:case_id>/erasure/", views.erasure_request, name="erasure_request"),
    path("erasures/<uuid:erasure_id>/", views.erasure_detail, name="erasure"),
    path("erasures/<uuid:erasure_id>/approve/", views.erasure_approve, name="erasure_approve"),
    path("erasures/<uuid:erasure_id>/decline/", views.erasure_decline, name="erasure_decline"),
    path("<uuid:case_id>/settings/", views.case_settings, name="settings"),
    path("<uuid:case_id>/status/", views.case_transition, name="transition"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
    path("<uuid:case_id>/unassign/", views.case_unassign, name="unassign"),
    path("<uuid:case_id>/threats/new/", views.threat_add, name="threat_add"),
    path("<uuid:case_id>/prosecutions/new/", views.prosecution_add, name="prosecution_add"),
    path("<uuid:case_id>/dependants/new/", views.dependant_add, name="dependant_add"),
    path("<uuid:case_id>/consents/new/", views.consent_add, name="consent_add"),
    path("<uuid:case_id>/notes/new/", views.note_add, name="note_add"),
    path("<uuid:case_id>/facts/<str:section>/", views.facts_section, name="facts_section"),
    path("<uuid:case_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("<uuid:case_id>/attachments/new/", views.attachment_add, name="attachment_add"),
    path(
        "records/<str:kind>/<uuid:record_id>/correct/",
        views.record_correct,
        name="record_correct",
    ),
    path("assessments/<uuid:assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<uuid:assessment_id>/decision/",
        views.assessment_decide,
        name="assessment_decide",
    ),
    path("attachments/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    path("consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
