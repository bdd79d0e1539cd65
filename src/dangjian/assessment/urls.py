from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("<int:pk>/<int:year>/", views.scorecard, name="scorecard"),
    path("<int:pk>/<int:year>/export/", views.scorecard_export, name="scorecard_export"),
    path("<int:pk>/<int:year>/inspector-scores/", views.inspector_scores, name="inspector_scores"),
    path(
        "<int:pk>/<int:year>/inspector-scores/<int:sid>/void/",
        views.inspector_score_void,
        name="inspector_score_void",
    ),
    path("<int:pk>/<int:year>/<str:key>/", views.records, name="records"),
    path("<int:pk>/<int:year>/<str:key>/export/", views.records_export, name="records_export"),
]
