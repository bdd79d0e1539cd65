"""URL wiring only: each app owns its own urls.py."""

from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("meetings/", include("dangjian.meetings.urls")),
    path("roster/", include("dangjian.roster.urls")),
    path("checkin/", include("dangjian.checkin.urls")),
    path("mobility/", include("dangjian.mobility.urls")),
    path("development/", include("dangjian.development.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("care/", include("dangjian.care.urls")),
    path("commitments/", include("dangjian.commitments.urls")),
    path("volunteering/", include("dangjian.volunteering.urls")),
    path("cobuild/", include("dangjian.cobuild.urls")),
    path("deeds/", include("dangjian.deeds.urls")),
    path("servicedesk/", include("dangjian.servicedesk.urls")),
    path("households/", include("dangjian.households.urls")),
    path("charity/", include("dangjian.charity.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("training/", include("dangjian.training.urls")),
    path("grid/", include("dangjian.grid.urls")),
    path("mediation/", include("dangjian.mediation.urls")),
    path("rentals/", include("dangjian.rentals.urls")),
    path("staff/", include("dangjian.staff.urls")),
    path("funds/", include("dangjian.funds.urls")),
    path("admission/", include("dangjian.admission.urls")),
    path("venues/", include("dangjian.venues.urls")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("awards/", include("dangjian.awards.urls")),
    path("targets/", include("dangjian.targets.urls")),
    path("inspections/", include("dangjian.inspections.urls")),
    path("dashboards/", include("dangjian.dashboards.urls")),
    path("partystats/", include("dangjian.partystats.urls")),
    path("reports/", include("dangjian.reports.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
