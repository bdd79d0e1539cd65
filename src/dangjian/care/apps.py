from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "dangjian.care"
    verbose_name = "关爱帮扶"
