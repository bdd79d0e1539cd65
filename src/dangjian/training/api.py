"""API: 培训 — courses a user may see (by organisation, level, period), one course with who
attended, recording a course and its attendance. Same selectors and services as the pages."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import Organisation

from . import selectors, services
from .models import Course

router = Router(tags=["培训"])


class CourseOut(Schema):
    id: int
    org_id: int
    level: str
    topic: str
    start: dt.date
    days: int
    hours: Decimal | None
    place: str
    n_people: int
    n_done: int


class AttendanceOut(Schema):
    id: int
    member_id: int | None
    name: str
    completed: bool

    @staticmethod
    def resolve_name(obj) -> str:  # noqa: ANN001
        return obj.member.name if obj.member_id else obj.resident_name


class CourseDetailOut(CourseOut):
    attendances: list[AttendanceOut]

    @staticmethod
    def resolve_attendances(obj) -> list:  # noqa: ANN001
        return obj.attendances_list


class CourseIn(Schema):
    org: int
    level: str
    topic: str = ""
    start: dt.date
    days: int = 1
    hours: Decimal | None = None
    place: str = ""


class AttendanceIn(Schema):
    version: int
    member_ids: list[int] = []
    completed_ids: list[int] = []
    residents: list[str] = []


def _org(request: HttpRequest, pk: int) -> Organisation:
    try:
        return get_visible_or_404(Organisation.objects.all(), request.auth, pk=pk)
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None


@router.get("/", response=list[CourseOut])
@paginate(LimitOffsetPagination)
def list_courses(
    request: HttpRequest,
    org: int | None = None,
    level: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """可见的培训班（按组织、类别、起止日期筛选）。"""
    o = _org(request, org) if org else None
    return selectors.courses_visible(user=request.auth, org=o, level=level, start=start, end=end)


@router.get("/{course_id}", response=CourseDetailOut)
def get_course(request: HttpRequest, course_id: int):
    """一个培训班及参训人员。"""
    qs = selectors.courses_visible(user=request.auth)
    try:
        course = get_visible_or_404(qs, request.auth, pk=course_id)
    except Http404:
        raise HttpError(404, _("未找到该培训班，或您无权查看。")) from None
    course.attendances_list = list(course.attendances.select_related("member").order_by("pk"))
    return course


@router.post("/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_course(request: HttpRequest, payload: CourseIn):
    """登记培训班（level：county 县委党校 / town 乡镇党校 / community 社区 / skills 技能培训）。"""
    org = _org(request, payload.org)
    try:
        course = services.course_create(
            acting_user=request.auth,
            org=org,
            level=payload.level,
            topic=payload.topic,
            start=payload.start,
            days=payload.days,
            hours=payload.hours,
            place=payload.place,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": course.pk, "version": course.version})


@router.post(
    "/{course_id}/attendance", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def set_attendance(request: HttpRequest, course_id: int, payload: AttendanceIn):
    """参训党员（替换原名单）、已结业党员，并可追加参训居民姓名。"""
    try:
        course = get_visible_or_404(
            Course.objects.select_related("org"), request.auth, CHANGE, pk=course_id
        )
    except Http404:
        raise HttpError(404, _("未找到该培训班，或您无权修改。")) from None
    try:
        with transaction.atomic():
            course = _attendance(request, course, payload)
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(200, {"id": course.pk, "version": course.version})


def _attendance(request: HttpRequest, course: Course, payload: AttendanceIn) -> Course:
    course = services.attendance_set(
        course,
        acting_user=request.auth,
        version=payload.version,
        member_ids=payload.member_ids,
        completed_ids=payload.completed_ids,
    )
    for name in payload.residents:
        services.attendance_add_resident(course, acting_user=request.auth, name=name)
    course.refresh_from_db()
    return course
