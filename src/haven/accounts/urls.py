from django.urls import path

from haven.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/both-factors/", views.sign_in_with_both_factors, name="login_both_factors"),
    path("two-factor/", views.second_factor, name="second_factor"),
    path("two-factor/setup/", views.enrol, name="enrol"),
    path("logout/", views.sign_out, name="logout"),
    path("step-up/", views.step_up, name="step_up"),
    path("security/", views.security, name="security"),
    path("security/password/", views.password_change, name="password_change"),
    path("security/digits/", views.digits_set, name="digits"),
    path(
        "security/notices/<uuid:notice_id>/dismiss/",
        views.security_notice_dismiss,
        name="security_notice_dismiss",
    ),
    path("security/backup-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("sessions/<uuid:session_id>/end/", views.session_end, name="session_end"),
    path("organisation/", views.organisation_switch, name="organisation_switch"),
    path("invitations/accept/", views.invitation_accept, name="invitation_accept"),
]
