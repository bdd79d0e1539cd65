"""流动党员 (SPEC §2)."""

from django.urls import path

from . import views

app_name = "mobility"
urlpatterns = [
    path("", views.index, name="list"),
    path("export/", views.export, name="export"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/contacts/", views.contact, name="contact"),
    path("<int:pk>/return/", views.return_, name="return"),
]
