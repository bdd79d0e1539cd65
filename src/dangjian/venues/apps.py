from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "dangjian.venues"
    verbose_name = "阵地与办公用房"
