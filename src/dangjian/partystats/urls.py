from django.urls import path

from . import views

app_name = "partystats"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path(
        "national/members/export/",
        views.national_members_export,
        name="national_members_export",
    ),
    path("national/orgs/export/", views.national_orgs_export, name="national_orgs_export"),
]
