from django.urls import path

from haven.web import audit_log

app_name = "audit"

urlpatterns = [
    path("", audit_log.event_list, name="events"),
]
