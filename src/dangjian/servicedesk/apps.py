from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "dangjian.servicedesk"
    verbose_name = "便民服务工单"
