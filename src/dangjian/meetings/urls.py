from . import exports_registers
from .views import bodies, cadence, leaders, lost, meetings, mine, nolife, study, talks, votes

app_name = "meetings"
urlpatterns = [
    *meetings.urls,
    *cadence.urls,
    *bodies.urls,
    *leaders.urls,
    *study.urls,
    *mine.urls,
    *nolife.urls,
    *talks.urls,
    *lost.urls,
    *votes.urls,
    *exports_registers.urls,
]
