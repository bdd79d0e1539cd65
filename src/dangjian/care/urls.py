"""关爱帮扶 (SPEC §2)."""

from django.urls import path

from . import views, views_aid

app_name = "care"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/visits/", views.visit, name="visit"),
    path("holidays/", views.holiday_plan, name="holidays"),
    path("visits/", views.visits, name="visits"),
    path("visits/export/", views.visits_export, name="visits_export"),
    path("visits/<int:pk>/withdraw/", views.visit_withdraw, name="visit_withdraw"),
    path("aid/", views_aid.rounds, name="aid"),
    path("aid/new/", views_aid.create, name="aid_create"),
    path("aid/<int:pk>/", views_aid.detail, name="aid_detail"),
    path("aid/<int:pk>/pay/", views_aid.pay, name="aid_pay"),
    path("aid/<int:pk>/delete/", views_aid.delete, name="aid_delete"),
    path("aid/<int:pk>/export/", views_aid.export, name="aid_export"),
    path("aid/grants/<int:pk>/", views_aid.grant, name="aid_grant"),
]
