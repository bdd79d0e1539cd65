from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "dangjian.background"
    verbose_name = "后台任务"
