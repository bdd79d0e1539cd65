from .views import bodies, cadence, leaders, meetings, mine, nolife, study

app_name = "meetings"
urlpatterns = [
    *meetings.urls,
    *cadence.urls,
    *bodies.urls,
    *leaders.urls,
    *study.urls,
    *mine.urls,
    *nolife.urls,
]
