"""URLs of the areas' pages (``grid:home`` is the areas overview)."""

from django.urls import path

from . import views_areas as views

urlpatterns: list = [
    path("", views.home, name="home"),
    path("areas/<int:pk>/", views.area_detail, name="area"),
    path("areas/<int:pk>/duties/new/", views.duty_add, name="duty_add"),
    path("duties/<int:pk>/end/", views.duty_end, name="duty_end"),
]
