from django.urls import path

from . import exports
from .views import coverage, edit, places, tree

app_name = "orgs"
urlpatterns = [
    path("", tree.org_list, name="list"),
    path("<int:pk>/", tree.org_detail, name="detail"),
    path("<int:pk>/children/", tree.org_children, name="children"),
    path("<int:pk>/new/", edit.org_create, name="create"),
    path("<int:pk>/edit/", edit.org_edit, name="edit"),
    path("<int:pk>/cover/", edit.org_cover, name="cover"),
    path("<int:pk>/offices/new/", edit.office_create, name="office_create"),
    path("offices/<int:pk>/edit/", edit.office_edit, name="office_edit"),
    path("<int:pk>/places/", places.community_places, name="places"),
    path("<int:pk>/places/new/", places.community_place_create, name="community_place_create"),
    path("places/<int:pk>/", places.place_detail, name="place"),
    path("places/<int:pk>/new/", places.place_create, name="place_create"),
    path("places/<int:pk>/edit/", places.place_edit, name="place_edit"),
    path("coverage/", coverage.coverage, name="coverage"),
    path("warnings/", tree.warning_list, name="warnings"),
    path("export/", exports.org_export, name="export"),
]
