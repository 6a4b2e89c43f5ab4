from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
