"""REST API v1 (django-ninja). OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: the browser session (with CSRF) or ``Authorization: Bearer <token>``.
Every endpoint reads through the same scoped querysets as the pages.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from dangjian.accounts.selectors import token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django session with CSRF check, as ninja's ``django_auth`` but returning the user."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return request.user
        return None


api = NinjaAPI(
    title="社区党建工作平台 API",
    version="1",
    description="组织、区域、党员等数据接口。权限与网页一致：只能读取和修改本人负责的组织及其下级。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def _bad_input(request, exc):
    """Malformed input is the client's mistake: 400 with a Chinese message, not ninja's 422."""
    return api.create_response(
        request, {"detail": "输入格式不正确，请检查后重试。", "errors": exc.errors}, status=400
    )


api.add_router("/orgs", "dangjian.orgs.api.router")
api.add_router("/places", "dangjian.orgs.api.places_router")
api.add_router("/members", "dangjian.members.api.router")
api.add_router("/meetings", "dangjian.meetings.api.router")
api.add_router("/roster", "dangjian.roster.api.router")
api.add_router("/checkin", "dangjian.checkin.api.router")
api.add_router("/mobility", "dangjian.mobility.api.router")
api.add_router("/development", "dangjian.development.api.router")
api.add_router("/dues", "dangjian.dues.api.router")
api.add_router("/care", "dangjian.care.api.router")
api.add_router("/commitments", "dangjian.commitments.api.router")
api.add_router("/volunteering", "dangjian.volunteering.api.router")
api.add_router("/cobuild", "dangjian.cobuild.api.router")
api.add_router("/deeds", "dangjian.deeds.api.router")
api.add_router("/jobs", "dangjian.jobs.api.router")
api.add_router("/training", "dangjian.training.api.router")
api.add_router("/households", "dangjian.households.api.router")
api.add_router("/servicedesk", "dangjian.servicedesk.api.router")
api.add_router("/charity", "dangjian.charity.api.router")
api.add_router("/grid", "dangjian.grid.api.router")
api.add_router("/mediation", "dangjian.mediation.api.router")
api.add_router("/rentals", "dangjian.rentals.api.router")
api.add_router("/funds", "dangjian.funds.api.router")
api.add_router("/staff", "dangjian.staff.api.router")
api.add_router("/assessment", "dangjian.assessment.api.router")
api.add_router("/awards", "dangjian.awards.api.router")
api.add_router("/targets", "dangjian.targets.api.router")
api.add_router("/inspections", "dangjian.inspections.api.router")
api.add_router("/notices", "dangjian.notices.api.router")
api.add_router("/openness", "dangjian.openness.api.router")
api.add_router("/openness-ratings", "dangjian.openness.api_ratings.router")
api.add_router("/dashboards", "dangjian.dashboards.api.router")
api.add_router("/partystats", "dangjian.partystats.api.router")
api.add_router("/reports", "dangjian.reports.api.router")
