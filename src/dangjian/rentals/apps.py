from django.apps import AppConfig


class RentalsConfig(AppConfig):
    name = "dangjian.rentals"
    verbose_name = "出租房屋与流动人口"
