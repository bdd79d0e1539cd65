from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "dangjian.charity"
    verbose_name = "爱心超市"
