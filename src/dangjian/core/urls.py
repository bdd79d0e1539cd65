from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("rules/", views.rules_table, name="rules"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/mine/", views.audit_mine, name="audit_mine"),
]
