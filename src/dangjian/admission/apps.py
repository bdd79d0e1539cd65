from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "dangjian.admission"
    verbose_name = "社区工作准入"
