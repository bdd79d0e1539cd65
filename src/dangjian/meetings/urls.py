from .views import bodies, cadence, meetings, mine, nolife, study

app_name = "meetings"
urlpatterns = [
    *meetings.urls,
    *cadence.urls,
    *bodies.urls,
    *study.urls,
    *mine.urls,
    *nolife.urls,
]
