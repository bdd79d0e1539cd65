"""Grid visits (走访记录), coverage, a household's grid page and key households, the 走访台帐."""

from django.urls import path

from . import views_visits as v

urlpatterns: list = [
    path("visits/", v.visit_list, name="visit_list"),
    path("visits/new/", v.visit_new, name="visit_new"),
    path("visits/pick/", v.visit_pick, name="visit_pick"),
    path("visits/export/", v.visit_export, name="visit_export"),
    path("visits/<int:pk>/", v.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", v.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/request/", v.visit_request, name="visit_request"),
    path("coverage/", v.coverage, name="coverage"),
    path("households/<int:place_pk>/", v.household, name="household"),
    path("households/<int:place_pk>/key/", v.key_mark, name="key_mark"),
    path("households/key/<int:pk>/unmark/", v.key_unmark, name="key_unmark"),
]
