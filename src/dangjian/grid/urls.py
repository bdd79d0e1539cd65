"""Grid pages: areas and their people (``urls_areas``), visits and key households
(``urls_visits``)."""

from . import urls_areas, urls_visits

app_name = "grid"
urlpatterns = [*urls_areas.urlpatterns, *urls_visits.urlpatterns]
