from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("export/", views.member_export, name="export"),
    path("new/", views.member_create, name="create"),
    path("register/", views.register_on, name="register"),
    path("register/export/", views.register_export, name="register_export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/events/<slug:kind>/", views.member_event, name="event"),
    path("<int:pk>/reveal-id/", views.member_reveal_id, name="reveal_id"),
]
