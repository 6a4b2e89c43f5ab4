from django.apps import AppConfig


class CounselConfig(AppConfig):
    name = "haven.counsel"
    label = "counsel"
    verbose_name = "Referral to counsel"
