"""The staff side of the portal, under /intake/: outside /portal/, so the portal's onion never serves it."""

from django.urls import path

from haven.portal import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_queue, name="queue"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/open-case/", views.referral_open_case, name="open_case"),
    path("<uuid:referral_id>/link/", views.referral_link, name="link"),
    path("<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("cases/<uuid:case_id>/messages/", views.team_message, name="team_message"),
]
