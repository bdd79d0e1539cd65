from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("coverage/", views.coverage, name="coverage"),
]
