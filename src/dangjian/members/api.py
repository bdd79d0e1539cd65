"""API for the member register, through the same scoped selectors, forms and services as the
pages: what a page refuses, the API refuses with the same Chinese message.

Errors: 400 ``{"detail": "…", "errors": {"field": ["…"]}}`` for bad input or an illegal change,
404 ``{"detail": "…"}`` for a member or organisation that does not exist *or* is not the
caller's to see (the same answer, so IDs cannot be probed).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, VIEW
from dangjian.core.api_errors import ErrorOut, form_errors, service_errors
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import MemberEventForm, MemberRegisterForm
from .models import Member, MemberEvent
from .paging import CountedPagination, counted_in_page

router = Router(tags=["党员"])


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date
    id_masked: str
    status: str
    state: str
    mode: str
    org_id: int
    org_name: str
    joined_on: dt.date
    full_on: dt.date | None
    categories: list[str]

    @staticmethod
    def resolve_org_name(obj: Member) -> str:
        return obj.org.name

    @staticmethod
    def resolve_categories(obj: Member) -> list[str]:
        return [c.category for c in obj.categories.all()]


class MemberDetailOut(MemberOut):
    ethnicity: str
    phone: str
    education: str
    work_unit: str
    address: str
    household_id: int | None
    version: int


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: dt.date
    org_id: int
    org_name: str
    status: str
    state: str
    mode: str
    categories: list[str]
    from_org_name: str
    to_org_name: str
    letter_no: str
    letter_valid_until: dt.date | None
    note: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: MemberEvent) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_org_name(obj: MemberEvent) -> str:
        return obj.org.name


class RegisterRowOut(Schema):
    member_id: int
    name: str
    gender: str
    birth_date: dt.date
    id_masked: str
    org_id: int
    org_name: str
    status: str
    mode: str
    categories: list[str]
    since: dt.date = Field(..., description="这条在册状态自哪一天起（最近一次变动的日期）")


class RegisterOut(Schema):
    org_id: int
    org_name: str
    on: dt.date
    total: int
    full: int
    probationary: int
    count: int
    items: list[RegisterRowOut]


class ListFilters(Schema):
    org: int | None = None
    category: str | None = None
    status: str | None = None
    mode: str | None = None
    state: str | None = Field(None, description="默认在册（active）；all 表示全部状态")
    q: str | None = Field(
        None, description="姓名、全拼、首字母（如 zs）、繁体字、电话或完整身份证号"
    )
    sort: str | None = Field(None, description="name、org、joined_on、birth_date，前加 - 倒序")


# Input is typed loosely on purpose: the same Django forms as the pages check it and answer in
# Chinese ("请按“年-月-日”填写日期"), instead of the schema layer answering 422 in English.
Loose = str | int | None


class MemberIn(Schema):
    name: str | None = None
    id_number: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    ethnicity: str | None = "汉族"
    phone: str | None = None
    education: str | None = None
    joined_on: str | None = None
    status: str | None = "full"
    full_on: str | None = None
    org_id: Loose = None
    mode: str | None = "self"
    categories: list[str] | None = None
    work_unit: str | None = None
    address: str | None = None
    household_id: Loose = None
    source: str | None = Field("registered", description="registered（建档）或 transfer_in（转入）")
    date: str | None = Field(None, description="转入日期（组织关系转入时必填）")
    from_org_name: str | None = None
    letter_no: str | None = None
    letter_valid_until: str | None = None


class EventIn(Schema):
    kind: str | None = None
    date: str | None = None
    version: Loose = Field(None, description="读取时的 version；不符表示已被他人修改")
    note: str | None = None
    to_org_id: Loose = None
    to_org_name: str | None = None
    from_org_name: str | None = None
    letter_no: str | None = None
    letter_valid_until: str | None = None
    mode: str | None = None
    categories: list[str] | None = None


def _not_found(what: str = "") -> HttpError:
    return HttpError(404, what or _("未找到该党员，或您无权查看。"))


def _member(request: HttpRequest, member_id: int, action: str = VIEW) -> Member:
    qs = (
        Member.objects.changeable_by(request.auth)
        if action == CHANGE
        else (Member.objects.visible_to(request.auth))
    )
    member = selectors.with_list_data(qs).filter(pk=member_id).first()
    if member is None:
        raise _not_found()
    return member


def _form_data(payload: Schema, renames: dict[str, str]) -> dict[str, Any]:
    """A payload as form data: ids renamed to the form's field names, None left out."""
    data = {}
    for key, value in payload.dict().items():
        if value is None:
            continue
        data[renames.get(key, key)] = value
    return data


@router.get("/", response=list[MemberOut])
@paginate(CountedPagination)
def list_members(request: HttpRequest, filters: Query[ListFilters]):
    """在册党员列表（默认），可按组织（含下级）、类别、身份、管理方式、状态筛选，可搜索。"""
    data = filters.dict()
    qs = selectors.members_visible(
        user=request.auth,
        org=data["org"],
        category=data["category"],
        status=data["status"],
        mode=data["mode"],
        state=data["state"] or "active",
        q=data["q"],
        sort=data["sort"],
    )
    qs = selectors.with_list_data(qs)
    return counted_in_page(qs) if data["q"] else qs


@router.get("/register", response={200: RegisterOut, 400: ErrorOut, 404: ErrorOut})
def register(request: HttpRequest, org: str = "", on: str = "", limit: int = 100, offset: int = 0):
    """某组织（含下级）在某日的党员名册（on=YYYY-MM-DD），以及按党员身份的人数。"""
    org_obj = (
        Organisation.objects.visible_to(request.auth).filter(pk=org).first()
        if org.isdigit()
        else None
    )
    if org_obj is None:
        raise _not_found(_("未找到该党组织，或您无权查看。"))
    try:
        day = parse_date(on) if on else None
    except ValueError:
        day = None
    if day is None:
        msg = _("日期“%(d)s”不正确，请按“年-月-日”填写，例如 2024-07-01。") % {"d": on}
        return Status(400, {"detail": msg, "errors": {"on": [msg]}})
    if day > selectors.today():
        msg = _("不能查看未来日期的名册。")
        return Status(400, {"detail": msg, "errors": {"on": [msg]}})
    on = day
    limit, offset = max(1, min(limit, 500)), max(offset, 0)
    events = selectors.register_on(user=request.auth, org_path=org_obj.path, on=day)
    counts = selectors.register_counts(events)
    rows = [
        {
            "member_id": e.member_id,
            "name": e.member.name,
            "gender": e.member.gender,
            "birth_date": e.member.birth_date,
            "id_masked": e.member.id_masked,
            "org_id": e.org_id,
            "org_name": e.org.name,
            "status": e.status,
            "mode": e.mode,
            "categories": e.categories or [],
            "since": e.date,
        }
        for e in events[offset : offset + limit]
    ]
    return {
        "org_id": org_obj.pk,
        "org_name": org_obj.name,
        "on": day,
        "total": counts.total,
        "full": counts.full,
        "probationary": counts.probationary,
        "count": counts.total,
        "items": rows,
    }


@router.get("/{int:member_id}", response={200: MemberDetailOut, 404: ErrorOut})
def get_member(request: HttpRequest, member_id: int):
    """一名党员的档案（身份证号只给遮蔽后的）。"""
    return _member(request, member_id)


@router.get("/{int:member_id}/events", response={200: list[EventOut], 404: ErrorOut})
def member_events(request: HttpRequest, member_id: int):
    """一名党员的变动记录，按时间先后。"""
    member = _member(request, member_id)
    return list(selectors.member_timeline(member=member))


@router.post("/", response={201: MemberDetailOut, 400: ErrorOut})
def create_member(request: HttpRequest, payload: MemberIn):
    """登记党员（新建档案或组织关系转入）。只能登记到自己负责的党支部或社区党组织。"""
    form = MemberRegisterForm(
        data=_form_data(payload, {"org_id": "org", "household_id": "household"}),
        user=request.auth,
    )
    if not form.is_valid():
        return form_errors(form)
    try:
        member = services.member_register(acting_user=request.auth, **form.service_kwargs())
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, selectors.with_list_data(Member.objects.filter(pk=member.pk)).get())


@router.post("/{int:member_id}/events", response={201: EventOut, 400: ErrorOut, 404: ErrorOut})
def create_event(request: HttpRequest, member_id: int, payload: EventIn):
    """记录一项变动（转入、转出、调整支部、转正、类别、管理方式、流动、失联、恢复、去世、出党）。"""
    member = _member(request, member_id, action=CHANGE)
    if payload.kind not in services.RECORDABLE_KINDS:
        msg = _("不支持的变动事项“%(k)s”，可用：%(all)s。") % {
            "k": payload.kind or "",
            "all": "、".join(services.RECORDABLE_KINDS),
        }
        return Status(400, {"detail": msg, "errors": {"kind": [msg]}})
    data = _form_data(payload, {"to_org_id": "to_org"})
    data.pop("kind", None)
    data.setdefault("version", member.version)
    form = MemberEventForm(data=data, kind=payload.kind, member=member, user=request.auth)
    if not form.is_valid():
        return form_errors(form)
    try:
        event = services.member_record_event(
            member=member, acting_user=request.auth, **form.service_kwargs()
        )
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, MemberEvent.objects.select_related("org").get(pk=event.pk))
