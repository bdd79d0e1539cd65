from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "dangjian.commitments"
    verbose_name = "党员承诺与设岗定责"
