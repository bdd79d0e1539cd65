from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.home, name="home"),
    path("models/<int:pk>/<int:year>/", views.community, name="community"),
    path("models/<int:pk>/<int:year>/decide/", views.decide, name="decide"),
    path("review/", views.review, name="review"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/export/", views.round_export, name="round_export"),
    path("rounds/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("nominations/<int:pk>/", views.nominee, name="nominee"),
    path("nominations/<int:pk>/decide/", views.nomination_decide, name="nomination_decide"),
]
