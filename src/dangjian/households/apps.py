from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "dangjian.households"
    verbose_name = "困难家庭"
