from django.apps import AppConfig


class CobuildConfig(AppConfig):
    name = "dangjian.cobuild"
    verbose_name = "共驻共建"
