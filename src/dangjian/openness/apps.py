from django.apps import AppConfig


class OpennessConfig(AppConfig):
    name = "dangjian.openness"
    verbose_name = "党务居务公开"
