from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "dangjian.targets"
    verbose_name = "党建工作目标责任书"
