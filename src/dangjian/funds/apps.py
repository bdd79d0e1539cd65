from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "dangjian.funds"
    verbose_name = "经费与资产"
