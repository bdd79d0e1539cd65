"""API: deliberation bodies, their member units (seats), criticism notices, a resident unit's
record and the units that lost a year's award eligibility (for award lists).

Errors: 400 ``{"detail": "…", "errors": {...}}`` in Chinese; 404 for anything missing *or*
outside the caller's grants (the same answer); 409 when someone else saved first.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.orgs.models import Organisation, ResidentUnit

from .. import services_bodies as svc
from ..models import Body, Seat
from ..selectors import bodies as sel
from .meetings import ErrorOut, _service_errors

router = Router(tags=["议事协调机构"])
PER_PAGE = 50


# ---- schemas -------------------------------------------------------------------------------
class StandingOut(Schema):
    year: int
    count: int = Field(..., description="当年有效（未撤销）的通报批评次数")
    needed: int = Field(..., description="达到该次数即取消当年评先选优资格")
    ineligible: bool
    unit_id: int | None
    seat_id: int | None
    name: str
    heads: list[str]


class SeatOut(Schema):
    id: int
    body_id: int
    unit_id: int | None
    member_org_id: int | None
    name: str
    head: str
    joined_on: dt.date
    left_on: dt.date | None
    version: int
    standing: StandingOut | None = None


class BodyOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    name: str
    established_on: dt.date | None
    is_active: bool
    unit_seats: bool
    seats: int
    meetings: int
    version: int


class BodyDetailOut(BodyOut):
    seat_list: list[SeatOut]


class BodyList(Schema):
    count: int
    page: int
    items: list[BodyOut]


class BodyIn(Schema):
    org_id: int
    kind: str
    name: str
    established_on: dt.date | None = None


class BodyPatch(Schema):
    version: int | None = Field(None, description="读取时的 version；不符表示已被他人修改（409）")
    org_id: int | None = None
    kind: str | None = None
    name: str | None = None
    established_on: dt.date | None = None
    is_active: bool | None = None


class SeatIn(Schema):
    unit_id: int | None = Field(None, description="驻区单位 id（与 member_org_id 二选一）")
    member_org_id: int | None = Field(None, description="成员党组织 id")
    name: str = ""
    head: str = ""
    joined_on: dt.date


class SeatEndIn(Schema):
    left_on: dt.date
    version: int | None = None


class CriticismOut(Schema):
    id: int
    year: int
    unit_id: int | None
    seat_id: int
    unit_name: str
    head: str
    meeting_id: int
    meeting_date: dt.date
    meeting_topic: str
    body_name: str
    issued_on: dt.date
    text: str
    withdrawn: bool
    withdrawn_reason: str


class CriticismList(Schema):
    year: int
    org_id: int
    count: int
    page: int
    items: list[CriticismOut]
    ineligible: list[StandingOut]


class YearIn(Schema):
    year: int | None = Field(None, description="年度；默认今年")
    org: int | None = Field(None, description="党组织 id（含下级）；默认本人所辖最上级组织")
    page: int = 1


class ListIn(Schema):
    org: int | None = Field(None, description="党组织 id（含下级组织）")
    page: int = 1


class UnitYearOut(Schema):
    year: int
    count: int
    needed: int
    ineligible: bool
    notices: list[CriticismOut]


class UnitOut(Schema):
    id: int
    name: str
    community_id: int
    head: str
    seats: list[SeatOut]
    years: list[UnitYearOut]


# ---- helpers -------------------------------------------------------------------------------
def _nf(msg: str | None = None) -> HttpError:
    return HttpError(404, msg or _("未找到该议事协调机构，或您无权查看。"))


def _year(value: int | None) -> int:
    today = timezone.localdate()
    if value is None:
        return today.year
    if not 2000 <= value <= today.year + 1:
        raise HttpError(400, _("年度不正确。"))
    return value


def _org(request: HttpRequest, pk: int | None, action: str = "view") -> Organisation | None:
    if pk is None:
        return None
    try:
        return sel.org_or_404(user=request.auth, pk=pk, action=action)
    except Http404:
        raise _nf(_("未找到该组织，或您无权查看。")) from None


def _body(request: HttpRequest, pk: int, action: str = "view") -> Body:
    try:
        return sel.body_or_404(user=request.auth, pk=pk, action=action)
    except Http404:
        raise _nf() from None


def _standing(s: sel.Standing | None) -> dict | None:
    if s is None:
        return None
    return {
        "year": s.year,
        "count": s.count,
        "needed": s.needed,
        "ineligible": s.ineligible,
        "unit_id": s.unit_id,
        "seat_id": s.seat_id,
        "name": s.name,
        "heads": s.heads,
    }


def _body_out(b: Body, *, seats: int | None = None, meetings: int | None = None) -> dict:
    return {
        "id": b.pk,
        "org_id": b.org_id,
        "org_name": b.org.name,
        "kind": b.kind,
        "kind_label": str(b.get_kind_display()),
        "name": b.name,
        "established_on": b.established_on,
        "is_active": b.is_active,
        "unit_seats": b.has_unit_seats,
        "seats": getattr(b, "n_seats", seats or 0),
        "meetings": getattr(b, "n_meetings", meetings or 0),
        "version": b.version,
    }


def _seat_out(s: Seat, standing: sel.Standing | None = None) -> dict:
    return {
        "id": s.pk,
        "body_id": s.body_id,
        "unit_id": s.unit_id,
        "member_org_id": s.member_org_id,
        "name": s.name,
        "head": s.head,
        "joined_on": s.joined_on,
        "left_on": s.left_on,
        "version": s.version,
        "standing": _standing(standing),
    }


def _seats_with_standing(request: HttpRequest, body: Body, year: int) -> list[dict]:
    seats = sel.seats_of(body)
    table = sel.standings(user=request.auth, year=year, seats=seats)
    needed = sel.threshold_for(body.org)
    return [_seat_out(s, sel.standing_for_seat(table, s, year=year, needed=needed)) for s in seats]


def _criticism_out(c) -> dict:
    return {
        "id": c.pk,
        "year": c.year,
        "unit_id": c.unit_id,
        "seat_id": c.seat_id,
        "unit_name": c.unit.name if c.unit_id else c.seat.name,
        "head": c.head or c.seat.head,
        "meeting_id": c.meeting_id,
        "meeting_date": c.meeting.date,
        "meeting_topic": c.meeting.topic,
        "body_name": c.meeting.body.name if c.meeting.body_id else "",
        "issued_on": c.issued_on,
        "text": c.text,
        "withdrawn": c.withdrawn_at is not None,
        "withdrawn_reason": c.withdrawn_reason,
    }


def _detail(request: HttpRequest, body_id: int, year: int | None = None) -> dict:
    body = sel.bodies_visible(user=request.auth).filter(pk=body_id).first()
    if body is None:
        raise _nf()
    return {**_body_out(body), "seat_list": _seats_with_standing(request, body, _year(year))}


# ---- bodies --------------------------------------------------------------------------------
@router.get("/", response={200: BodyList, 400: ErrorOut, 404: ErrorOut})
def body_list(request: HttpRequest, q: Query[ListIn]):
    """议事协调机构列表（可按党组织筛选，含下级）；每页 50 个。"""
    org = _org(request, q.org)
    qs = sel.bodies_visible(user=request.auth, org=org)
    page = max(q.page, 1)
    rows = list(qs[(page - 1) * PER_PAGE : page * PER_PAGE])
    return {"count": qs.count(), "page": page, "items": [_body_out(b) for b in rows]}


@router.post("/", response={201: BodyDetailOut, 400: ErrorOut, 404: ErrorOut})
def body_create(request: HttpRequest, payload: BodyIn):
    """新建议事协调机构：县委牵头指导委员会，街道（镇）牵头协调委员会，社区牵头联席会等。"""
    org = _org(request, payload.org_id, CHANGE)
    try:
        body = svc.body_add(
            org=org,
            kind=payload.kind,
            name=payload.name,
            established_on=payload.established_on,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _detail(request, body.pk))


@router.get("/{int:body_id}", response={200: BodyDetailOut, 400: ErrorOut, 404: ErrorOut})
def body_detail(request: HttpRequest, body_id: int, year: int | None = None):
    """一个机构及其成员单位（含当年通报批评次数和评先资格）。"""
    return _detail(request, body_id, year)


@router.patch(
    "/{int:body_id}", response={200: BodyDetailOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def body_update(request: HttpRequest, body_id: int, payload: BodyPatch):
    """修改机构（可改为其他牵头党组织，须对新组织有修改权限）。"""
    body = _body(request, body_id, CHANGE)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "org_id" in data:
        data["org"] = _org(request, data.pop("org_id"), CHANGE)
    try:
        svc.body_update(body=body, acting_user=request.auth, expected_version=version, **data)
    except ValidationError as exc:
        return _service_errors(exc)
    return _detail(request, body.pk)


# ---- seats ---------------------------------------------------------------------------------
@router.get("/{int:body_id}/seats", response={200: list[SeatOut], 400: ErrorOut, 404: ErrorOut})
def seat_list(request: HttpRequest, body_id: int, year: int | None = None):
    """机构的成员单位（含已退出的），每个单位当年的通报批评次数和评先资格。"""
    body = _body(request, body_id)
    return _seats_with_standing(request, body, _year(year))


@router.post("/{int:body_id}/seats", response={201: SeatOut, 400: ErrorOut, 404: ErrorOut})
def seat_create(request: HttpRequest, body_id: int, payload: SeatIn):
    """添加成员单位：本机构范围内的驻区单位，或下级党组织（二选一）。"""
    body = _body(request, body_id, CHANGE)
    unit = member_org = None
    if payload.unit_id is not None:
        unit = sel.units_for(body).select_related("community").filter(pk=payload.unit_id).first()
        if unit is None:
            msg = _("本机构范围内没有这个驻区单位。")
            return Status(400, {"detail": msg, "errors": {"unit_id": [msg]}})
    if payload.member_org_id is not None:
        member_org = sel.member_orgs_for(body).filter(pk=payload.member_org_id).first()
        if member_org is None:
            msg = _("本机构范围内没有这个党组织。")
            return Status(400, {"detail": msg, "errors": {"member_org_id": [msg]}})
    try:
        seat = svc.seat_add(
            body=body,
            unit=unit,
            member_org=member_org,
            name=payload.name,
            head=payload.head,
            joined_on=payload.joined_on,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _seat_out(seat))


@router.post(
    "/seats/{int:seat_id}/end", response={200: SeatOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def seat_end(request: HttpRequest, seat_id: int, payload: SeatEndIn):
    """成员单位退出（记录退出日期，不删除，过去的出勤和通报保留）。"""
    try:
        seat = sel.seat_or_404(user=request.auth, pk=seat_id, action=CHANGE)
    except Http404:
        raise _nf(_("未找到该成员单位，或您无权查看。")) from None
    try:
        seat = svc.seat_end(
            seat=seat,
            left_on=payload.left_on,
            acting_user=request.auth,
            expected_version=payload.version,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _seat_out(seat)


# ---- criticism and eligibility ---------------------------------------------------------------
@router.get("/criticisms", response={200: CriticismList, 400: ErrorOut, 404: ErrorOut})
def criticism_list(request: HttpRequest, q: Query[YearIn]):
    """某年度的通报批评（含已撤销的），以及当年取消评先选优资格的单位；每页 50 条。"""
    year = _year(q.year)
    org = _org(request, q.org) or sel.default_org(request.auth)
    if org is None:
        raise _nf(_("未找到该组织，或您无权查看。"))
    qs = sel.criticisms_list(user=request.auth, year=year, org=org)
    page = max(q.page, 1)
    rows = list(qs[(page - 1) * PER_PAGE : page * PER_PAGE])
    return {
        "year": year,
        "org_id": org.pk,
        "count": qs.count(),
        "page": page,
        "items": [_criticism_out(c) for c in rows],
        "ineligible": [_standing(s) for s in sel.ineligible_units(user=request.auth, year=year)],
    }


@router.get("/ineligible", response={200: list[StandingOut], 400: ErrorOut})
def ineligible(request: HttpRequest, year: int | None = None):
    """取消当年评先选优资格的单位及其负责人（供评先选优名单使用）。"""
    return [_standing(s) for s in sel.ineligible_units(user=request.auth, year=_year(year))]


@router.get("/units/{int:unit_id}", response={200: UnitOut, 400: ErrorOut, 404: ErrorOut})
def unit_record(request: HttpRequest, unit_id: int, year: int | None = None):
    """一个驻区单位：担任成员单位的机构、历年通报批评和评先资格。"""
    try:
        unit: ResidentUnit = get_visible_or_404(
            ResidentUnit.objects.select_related("community"), request.auth, pk=unit_id
        )
    except Http404:
        raise _nf(_("未找到该驻区单位，或您无权查看。")) from None
    record = sel.unit_record(user=request.auth, unit=unit, year=_year(year))
    return {
        "id": unit.pk,
        "name": unit.name,
        "community_id": unit.community_id,
        "head": unit.head,
        "seats": [_seat_out(s) for s in record.seats],
        "years": [
            {
                "year": y.year,
                "count": y.count,
                "needed": y.needed,
                "ineligible": y.ineligible,
                "notices": [_criticism_out_unit(c, unit) for c in y.notices],
            }
            for y in record.years
        ],
    }


def _criticism_out_unit(c, unit: ResidentUnit) -> dict:
    c.unit = unit
    return _criticism_out(c)
