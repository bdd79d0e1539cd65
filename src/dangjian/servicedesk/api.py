"""API: 便民服务工单 — the requests a user may see (paged; by community, state, period), one
request, receiving one, taking a step, and the monthly figures. Same selectors and services as
the pages; phone numbers are masked here too."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, ResidentUnit

from . import categories, selectors, services
from .models import Request, category_label

router = Router(tags=["便民服务工单"])


class RequestOut(Schema):
    id: int
    number: str
    community_id: int
    channel: str
    category: str
    category_label: str
    household_id: int | None
    resident_name: str
    phone: str
    content: str
    received_on: dt.date
    deadline: dt.date
    state: str
    assignee: str
    department: str
    done_on: dt.date | None
    satisfaction: int | None

    @staticmethod
    def resolve_phone(obj) -> str:  # noqa: ANN001
        return obj.masked_phone

    @staticmethod
    def resolve_assignee(obj) -> str:  # noqa: ANN001
        return obj.assignee_label

    @staticmethod
    def resolve_category_label(obj) -> str:  # noqa: ANN001
        return obj.get_category_display()


class CategoryOut(Schema):
    key: str
    label: str
    days: int


class RequestIn(Schema):
    org: int
    channel: str
    category: str
    resident_name: str = ""
    phone: str = ""
    content: str = ""
    household_id: int | None = None
    received_on: dt.date | None = None
    deadline: dt.date | None = None
    is_errand: bool = False


class StepIn(Schema):
    action: str
    version: int
    reason: str = ""
    user_id: int | None = None
    member_id: int | None = None
    unit_id: int | None = None
    department: str = ""
    result: str = ""
    satisfaction: int | None = None


class MonthOut(Schema):
    month: int
    received: int
    closed: int
    by_channel: dict[str, int]
    by_category: dict[str, int]
    median_days: float | None
    satisfaction: float | None


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)), request.auth, pk=org
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


def _request(request: HttpRequest, pk: int) -> Request:
    try:
        return get_visible_or_404(
            Request.objects.select_related(
                "community", "assigned_user", "assigned_member", "assigned_unit"
            ),
            request.auth,
            pk=pk,
        )
    except Http404:
        raise HttpError(404, _("未找到该工单，或您无权查看。")) from None


@router.get("/", response=list[RequestOut])
@paginate(LimitOffsetPagination)
def list_requests(
    request: HttpRequest,
    org: int | None = None,
    state: str = "",
    category: str = "",
    channel: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """可见的工单（超时的在前，再按办理时限，已办结的按日期倒序在后）。"""
    community = _community(request, org) if org else None
    return selectors.requests_visible(
        user=request.auth,
        community=community,
        state=state,
        category=category,
        channel=channel,
        start=start,
        end=end,
        today=timezone.localdate(),
    )


@router.get("/categories", response=list[CategoryOut])
def category_list(request: HttpRequest, org: int):
    """本社区提供的服务类别及办理时限（天），来自规则表 service.request_deadline。"""
    community = _community(request, org)
    return [
        {"key": k, "label": category_label(k), "days": d}
        for k, d in categories.offered(community).items()
    ]


@router.get("/stats", response=list[MonthOut])
def monthly(request: HttpRequest, org: int, year: int):
    """某社区某年的月度统计：按渠道、类别，办结天数中位数，满意度平均。"""
    community = _community(request, org)
    return selectors.monthly_figures(user=request.auth, community=community, year=year)


@router.get("/{pk}", response=RequestOut)
def get_request(request: HttpRequest, pk: int):
    return _request(request, pk)


@router.post("/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def receive(request: HttpRequest, payload: RequestIn):
    """受理一张工单（办理时限不填则按规则表计算）。"""
    community = _community(request, payload.org)
    household = None
    if payload.household_id:
        household = Place.objects.filter(pk=payload.household_id, community=community).first()
        if household is None:
            return Status(400, {"detail": _("住户须是本社区登记的住户。")})
    try:
        req = services.request_receive(
            acting_user=request.auth,
            community=community,
            channel=payload.channel,
            category=payload.category,
            resident_name=payload.resident_name,
            phone=payload.phone,
            content=payload.content,
            household=household,
            received_on=payload.received_on,
            deadline=payload.deadline,
            is_errand=payload.is_errand,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": req.pk, "number": req.number, "deadline": req.deadline.isoformat()})


@router.post("/{pk}/steps", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def take_step(request: HttpRequest, pk: int, payload: StepIn):
    """办理环节：assign / start / finish / visit / rate / transfer / return（带上看到的 version）。"""
    req = _request(request, pk)
    kw = {}
    if payload.user_id:
        kw["user"] = get_user_model().objects.filter(pk=payload.user_id).first()
    if payload.member_id:
        kw["member"] = Member.objects.filter(pk=payload.member_id).first()
    if payload.unit_id:
        kw["unit"] = ResidentUnit.objects.filter(pk=payload.unit_id).first()
    try:
        req = services.request_step(
            req,
            action=payload.action,
            acting_user=request.auth,
            version=payload.version,
            reason=payload.reason,
            department=payload.department,
            result=payload.result,
            satisfaction=payload.satisfaction,
            **{k: v for k, v in kw.items() if v is not None},
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return {"id": req.pk, "state": req.state, "version": req.version}
