from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "dangjian.roster"
    verbose_name = "党员名册导入导出"
