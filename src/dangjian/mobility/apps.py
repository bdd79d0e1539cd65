from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "dangjian.mobility"
    verbose_name = "流动党员"
