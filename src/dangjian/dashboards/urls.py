from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("refresh/", views.refresh, name="refresh"),
]
