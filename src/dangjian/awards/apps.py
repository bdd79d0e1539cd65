from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "dangjian.awards"
    verbose_name = "示范点与评选"
