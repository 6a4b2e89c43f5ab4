"""The defenders' pages, served under /portal/ (and alone through the portal's onion service)."""

from django.urls import path

from haven.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.referral_new, name="referral_new"),
    path("status/open/", views.sign_in, name="sign_in"),
    path("status/", views.status, name="status"),
    path("status/messages/", views.message_send, name="message_send"),
    path("status/check-in/", views.check_in_send, name="check_in_send"),
    path("status/incident/", views.incident_send, name="incident_send"),
    path("status/close/", views.sign_out, name="sign_out"),
    path("exit/", views.quick_exit, name="exit"),
]
