from django.urls import path

from . import health, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("rules/", views.rules_table, name="rules"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/mine/", views.audit_mine, name="audit_mine"),
]
