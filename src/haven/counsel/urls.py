from django.urls import path

from haven.counsel import views

app_name = "counsel"

urlpatterns = [
    path("partners/", views.partner_list, name="partners"),
    path("partners/<uuid:partner_id>/", views.partner_edit, name="partner"),
    path("cases/<uuid:case_id>/", views.case_referrals, name="case"),
    path("referrals/<uuid:counsel_referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:counsel_referral_id>/export/", views.pack_export, name="export"),
    path("items/<uuid:pack_item_id>/withdraw/", views.item_withdraw, name="item_withdraw"),
]
