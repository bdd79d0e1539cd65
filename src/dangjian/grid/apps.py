from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "dangjian.grid"
    verbose_name = "网格与走访"
