from django.apps import AppConfig


class DeedsConfig(AppConfig):
    name = "dangjian.deeds"
    verbose_name = "实事与服务记录"
