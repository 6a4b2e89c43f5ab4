from django.urls import path

from haven.asylum import views

app_name = "asylum"

urlpatterns = [
    path("cases/<uuid:case_id>/", views.asylum_case, name="case"),
    path("cases/<uuid:case_id>/consent/", views.consent_record, name="consent"),
    path("cases/<uuid:case_id>/opinion/", views.opinion_record, name="opinion"),
    path("cases/<uuid:case_id>/procedure/", views.procedure_record, name="procedure"),
    path(
        "conversations/<uuid:conversation_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
