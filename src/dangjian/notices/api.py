"""API: 通知公告 — list the notices of the organisations a caller may see, one notice, post one,
withdraw one; and ``/mine``, the notices sent to the calling member. Same selectors and services
as the pages; a notice outside the caller's reach is a 404, as for a missing one. No read
receipts: nothing here records who read what."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.meetings.selectors.mine import member_of
from dangjian.orgs.models import Organisation

from . import selectors, services
from .models import Notice

router = Router(tags=["通知公告"])

NOT_FOUND = "未找到该通知公告，或您无权查看。"
ORG_NOT_FOUND = "未找到该组织，或您无权查看。"


class NoticeOut(Schema):
    id: int
    org_id: int
    org: str
    audience: str
    audience_label: str
    to_org_id: int
    to_org: str
    category: str
    title: str
    body: str
    publish_on: dt.date
    withdraw_on: dt.date | None
    state: str
    state_label: str
    version: int

    @staticmethod
    def resolve_org(obj) -> str:  # noqa: ANN001
        return obj.org.name

    @staticmethod
    def resolve_to_org(obj) -> str:  # noqa: ANN001
        return obj.to_org.name

    @staticmethod
    def resolve_audience_label(obj) -> str:  # noqa: ANN001
        return str(obj.get_audience_display())

    @staticmethod
    def resolve_state(obj) -> str:  # noqa: ANN001
        return services.state_of(obj, timezone.localdate())

    @staticmethod
    def resolve_state_label(obj) -> str:  # noqa: ANN001
        return str(selectors.STATES[services.state_of(obj, timezone.localdate())])


class MineOut(Schema):
    id: int
    org: str
    to_org: str
    category: str
    title: str
    body: str
    publish_on: dt.date

    @staticmethod
    def resolve_org(obj) -> str:  # noqa: ANN001
        return obj.org.name

    @staticmethod
    def resolve_to_org(obj) -> str:  # noqa: ANN001
        return obj.to_org.name


class NoticeIn(Schema):
    org_id: int
    audience: str
    to_org_id: int | None = None
    category: str = ""
    title: str
    body: str
    publish_on: dt.date
    withdraw_on: dt.date | None = None


class WithdrawIn(Schema):
    version: int
    withdraw_on: dt.date | None = None


def _staff(request: HttpRequest) -> None:
    if not scope_for(request.auth).is_staff_role:
        raise HttpError(404, _(NOT_FOUND))


def _notice(request: HttpRequest, pk: int, action: str = "view") -> Notice:
    _staff(request)
    try:
        return get_visible_or_404(
            Notice.objects.select_related("org", "to_org"), request.auth, action, pk=pk
        )
    except Http404:
        raise HttpError(404, _(NOT_FOUND)) from None


@router.get("/", response=list[NoticeOut])
@paginate(LimitOffsetPagination)
def list_notices(
    request: HttpRequest,
    org: int | None = None,
    audience: str = "",
    state: str = "",
    sort: str = "new",
):
    """通知公告（您能看到的组织发布的；可按发布组织及其下级、发给 public/members、
    状态 current 显示中 / pending 待发布 / withdrawn 已撤下 筛选；sort=new|old 按发布日期）。"""
    _staff(request)
    under = None
    if org:
        try:
            under = get_visible_or_404(Organisation.objects.all(), request.auth, pk=org)
        except Http404:
            raise HttpError(404, _(ORG_NOT_FOUND)) from None
    return selectors.notices_visible(
        user=request.auth,
        today=timezone.localdate(),
        org=under,
        audience=audience,
        state=state if state in selectors.STATES else "",
        sort=sort,
    )


@router.get("/mine", response=list[MineOut])
@paginate(LimitOffsetPagination)
def my_notices(request: HttpRequest):
    """发给我的通知（登录账号关联的党员）：今天显示中的，新的在前。没有党员档案时为空。"""
    member = member_of(request.auth)
    if member is None:
        return Notice.objects.none()
    return selectors.for_member(member, timezone.localdate()).order_by("-publish_on", "-pk")


@router.get("/{notice_id}", response=NoticeOut)
def notice_detail(request: HttpRequest, notice_id: int):
    """一条通知公告。"""
    return _notice(request, notice_id)


@router.post("/", response={201: NoticeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_notice(request: HttpRequest, payload: NoticeIn):
    """发布通知公告：audience 为 public（居民公开，显示在社区公开栏）或 members（党员通知，
    发给 to_org 及其下级的党员，可按 category 只发给一类党员）。"""
    _staff(request)
    try:
        org = get_visible_or_404(
            Organisation.objects.all(), request.auth, CHANGE, pk=payload.org_id
        )
    except Http404:
        raise HttpError(404, _(ORG_NOT_FOUND)) from None
    to_org = None
    if payload.to_org_id is not None:
        to_org = Organisation.objects.visible_to(request.auth).filter(pk=payload.to_org_id).first()
        if to_org is None:
            return HttpStatus(
                400,
                {
                    "detail": _("接收组织只能是发布组织本身或它下属的组织。"),
                    "errors": {"to_org": [_("接收组织只能是发布组织本身或它下属的组织。")]},
                },
            )
    try:
        notice = services.notice_create(
            acting_user=request.auth,
            org=org,
            audience=payload.audience,
            to_org=to_org,
            category=payload.category,
            title=payload.title,
            body=payload.body,
            publish_on=payload.publish_on,
            withdraw_on=payload.withdraw_on,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return HttpStatus(403, {"detail": str(exc)})
    return HttpStatus(201, notice)


@router.post(
    "/{notice_id}/withdraw",
    response={200: NoticeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def withdraw_notice(request: HttpRequest, notice_id: int, payload: WithdrawIn):
    """撤下通知公告（withdraw_on 起不再显示，不填为今天）；通知本身保留。"""
    notice = _notice(request, notice_id, CHANGE)
    try:
        notice = services.notice_withdraw(
            notice,
            acting_user=request.auth,
            expected_version=payload.version,
            on=payload.withdraw_on,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return HttpStatus(403, {"detail": str(exc)})
    return notice
