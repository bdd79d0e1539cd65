from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "dangjian.mediation"
    verbose_name = "信访与矛盾纠纷调处"
