"""发展党员 (SPEC §2)."""

from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("export/", views.export, name="export"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal-id/", views.reveal_id, name="reveal_id"),
    path("<int:pk>/steps/<slug:step>/", views.step, name="step"),
]
