from django.urls import path

from . import views

app_name = "background"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/progress/", views.export_progress, name="progress"),
    path("<int:pk>/download/", views.export_download, name="download"),
    path("<int:pk>/rerun/", views.export_rerun, name="rerun"),
]
