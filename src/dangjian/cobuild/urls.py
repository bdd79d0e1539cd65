from django.urls import path

from . import exports
from .views import app_name  # noqa: F401
from .views import urlpatterns as _pages

urlpatterns = [
    *_pages,
    path("units/export/", exports.units_export, name="units_export"),
]
