from django.urls import path

from haven.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.referral_new, name="referral_new"),
    path("status/open/", views.sign_in, name="sign_in"),
    path("status/", views.status, name="status"),
    path("status/messages/", views.message_send, name="message_send"),
    path("status/close/", views.sign_out, name="sign_out"),
    path("exit/", views.quick_exit, name="exit"),
    path("intake/", views.intake_queue, name="intake_queue"),
    path("intake/<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("intake/<uuid:referral_id>/open-case/", views.referral_open_case, name="open_case"),
    path("intake/<uuid:referral_id>/link/", views.referral_link, name="link"),
    path("intake/<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("cases/<uuid:case_id>/messages/", views.team_message, name="team_message"),
]
