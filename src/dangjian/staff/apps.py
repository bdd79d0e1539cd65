from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "dangjian.staff"
    verbose_name = "社区工作者"
