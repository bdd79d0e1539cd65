from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dangjian.demo"
    verbose_name = "演示数据与性能测试"
