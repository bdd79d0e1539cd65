from django.apps import AppConfig


class MemberappConfig(AppConfig):
    name = "dangjian.memberapp"
    verbose_name = "党员手机端"
