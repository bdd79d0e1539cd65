from django.urls import path

from . import exports
from .views import app_name  # noqa: F401
from .views import urlpatterns as _pages

# The ledgers (.xlsx) live in exports.py, the pages in views.py.
urlpatterns = [
    path("export/", exports.checkin_export, name="export"),
    path("pairings/export/", exports.pairings_export, name="pairings_export"),
    *_pages,
]
