from django.urls import path

from haven.accounts import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("invite/", views.invitation_create, name="invite"),
    path("invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke, name="revoke"),
    path("<uuid:membership_id>/", views.member_detail, name="detail"),
    path("<uuid:membership_id>/role/", views.member_role, name="role"),
    path("<uuid:membership_id>/deactivate/", views.member_deactivate, name="deactivate"),
    path("<uuid:membership_id>/reactivate/", views.member_reactivate, name="reactivate"),
    path("<uuid:membership_id>/end-sessions/", views.member_end_sessions, name="end_sessions"),
]
