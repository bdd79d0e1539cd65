"""API: grid visits (走访记录) — the visits a user reaches (need-to-know: a community grant or a
cadre duty on the area) and recording one. The list carries who visited which household when,
never what was found: that is read one visit at a time on its page, where the read is audited."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.api_errors import ErrorOut, service_errors

from . import selectors_visits as sel
from . import services

router = Router()


class VisitOut(Schema):
    id: int
    household_id: int
    household: str
    community_id: int
    visited_on: dt.date
    visitor_name: str
    by_secretary: bool
    request_id: int | None


class VisitIn(Schema):
    household_id: int
    visited_on: dt.date
    met: str = ""
    found: str = ""
    follow_up: str = ""
    open_request: bool = False
    category: str = "other"


def _out(v) -> dict:  # noqa: ANN001
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "household": v.household.name,
        "community_id": v.household.community_id,
        "visited_on": v.visited_on,
        "visitor_name": v.visitor_name,
        "by_secretary": v.by_secretary,
        "request_id": v.request_id,
    }


class _Mapped:
    def __init__(self, qs) -> None:  # noqa: ANN001
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict]:
        return [_out(v) for v in self.qs[key]]


@router.get("/", response=list[VisitOut])
@paginate(LimitOffsetPagination)
def list_visits(
    request: HttpRequest,
    org: int | None = None,
    area: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """走访记录（按社区、片区、日期筛选），最新的在前；不含走访情况。"""
    try:
        community = sel.community_for(user=request.auth, raw=str(org)) if org else None
        found_area = (
            sel.area_for(user=request.auth, community=community, raw=str(area))
            if area and community
            else None
        )
    except Http404:
        raise HttpError(404, _("未找到该社区或片区，或您无权查看。")) from None
    if area and community is None:
        raise HttpError(400, _("按片区筛选时请同时给出社区（org）。"))
    return _Mapped(
        sel.visits(user=request.auth, community=community, area=found_area, start=start, end=end)
    )


@router.post("/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_visit(request: HttpRequest, payload: VisitIn):
    """登记一次走访；open_request=true 时同时转为服务工单（渠道：网格走访）。"""
    if not services.households_reached(request.auth).filter(pk=payload.household_id).exists():
        raise HttpError(404, _("未找到该住户，或不在您负责的片区。"))
    try:
        with transaction.atomic():  # the visit and its request, or neither
            visit, req = _record(request, payload)
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": visit.pk, "request_id": req.pk if req else None})


def _record(request: HttpRequest, payload: VisitIn):  # noqa: ANN202
    visit = services.visit_record(
        acting_user=request.auth,
        household=payload.household_id,
        visited_on=payload.visited_on,
        met=payload.met,
        found=payload.found,
        follow_up=payload.follow_up,
    )
    req = (
        services.visit_open_request(visit, acting_user=request.auth, category=payload.category)
        if payload.open_request
        else None
    )
    return visit, req
