"""API: 流动党员 — the list (those needing attention first), one absence with its contact log,
registering an absence, logging a contact, recording the return. The same scoped selectors,
forms and services as the pages; what is not the caller's is the same 404 as what is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut, form_errors, service_errors
from dangjian.core.api_paging import mapped_pagination
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import ContactForm, OutboundForm, ReturnForm
from .models import ContactLog, Outbound

router = Router(tags=["流动党员"])


class AlertOut(Schema):
    code: str
    level: str
    message: str


class OutboundOut(Schema):
    id: int
    version: int
    member_id: int
    member_name: str
    org_id: int
    org_name: str
    left_on: dt.date
    destination: str
    work: str
    phone: str
    contact_member_id: int | None
    contact_name: str
    contact_phone: str
    card_no: str
    card_issued_on: dt.date | None
    card_valid_until: dt.date | None
    last_contact_on: dt.date | None
    state: str
    returned_on: dt.date | None
    alerts: list[AlertOut]


class ContactOut(Schema):
    id: int
    date: dt.date
    way: str
    way_label: str
    passed_on: str
    difficulties: str
    feedback: str

    @staticmethod
    def resolve_way_label(obj: ContactLog) -> str:
        return str(obj.get_way_display())


class OutboundDetailOut(OutboundOut):
    note: str
    contacts: list[ContactOut]


Loose = str | int | None


class OutboundIn(Schema):
    member_id: Loose = None
    left_on: str | None = None
    destination: str | None = None
    work: str | None = None
    phone: str | None = None
    contact_member_id: Loose = None
    contact_name: str | None = None
    contact_phone: str | None = None
    card_no: str | None = None
    card_issued_on: str | None = None
    card_valid_until: str | None = None
    note: str | None = None


class ContactIn(Schema):
    date: str | None = None
    way: str | None = Field(None, description="phone、wechat、visit、letter、other")
    passed_on: str | None = None
    difficulties: str | None = None
    feedback: str | None = None


class ReturnIn(Schema):
    returned_on: str | None = None
    note: str | None = None
    version: Loose = Field(None, description="读取时的 version；不符表示已被他人修改")


def _row(o: Outbound, alerts: list[Any]) -> dict[str, Any]:
    return {
        "id": o.pk,
        "version": o.version,
        "member_id": o.member_id,
        "member_name": o.member.name,
        "org_id": o.member.org_id,
        "org_name": o.member.org.name,
        **{
            f: getattr(o, f)
            for f in (
                "left_on",
                "destination",
                "work",
                "phone",
                "contact_member_id",
                "contact_phone",
                "card_no",
                "card_issued_on",
                "card_valid_until",
                "last_contact_on",
                "state",
                "returned_on",
            )
        },
        "contact_name": o.contact_label,
        "alerts": [a.as_dict() for a in alerts],
    }


def _detail(o: Outbound) -> dict[str, Any]:
    (row,) = selectors.rows([o])
    out = _row(o, row.alerts)
    out["note"] = o.note
    out["contacts"] = list(selectors.contacts(outbound=o))
    return out


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该外出登记，或您无权查看。"))


RowsPagination = mapped_pagination(
    lambda rows: [_row(r.outbound, r.alerts) for r in selectors.rows(rows)]
)


@router.get("/", response=list[OutboundOut])
@paginate(RowsPagination)
def list_outbounds(
    request: HttpRequest,
    org: int | None = None,
    state: str = "out",
    q: str = "",
    warn: bool = False,
    sort: str = "warn",
):
    """流动党员名单：state=out（外出中，默认）/returned/all；warn=true 只列需要处理的；
    sort=warn（需要处理的在前，默认）/left_on/valid/name。每条附提醒（活动证到期、外出超期、久未联系）。"""
    org_obj = None
    if org is not None:
        org_obj = Organisation.objects.visible_to(request.auth).filter(pk=org).first()
        if org_obj is None:
            raise HttpError(404, _("未找到该党组织，或您无权查看。"))
    return selectors.outbounds_visible(
        user=request.auth,
        org=org_obj,
        state=state if state in selectors.STATES else selectors.OUT,
        q=q,
        warn_only=warn,
        sort=sort if sort in selectors.SORTS else "warn",
    )


@router.get("/{int:outbound_id}", response={200: OutboundDetailOut, 404: ErrorOut})
def get_outbound(request: HttpRequest, outbound_id: int):
    """一次外出登记：去向、结对联系人、活动证、提醒和联系记录。"""
    o = selectors.outbound_for(user=request.auth, pk=outbound_id)
    if o is None:
        raise _not_found()
    return _detail(o)


@router.post("/", response={201: OutboundDetailOut, 400: ErrorOut})
def create_outbound(request: HttpRequest, payload: OutboundIn):
    """外出登记（同时在党员档案中记录“外出流动”）。结对联系人：contact_member_id（党员）或 contact_name（志愿者）。"""
    data = {k: v for k, v in payload.dict().items() if v is not None}
    for key in ("member_id", "contact_member_id"):
        if key in data:
            data[key[:-3]] = data.pop(key)
    form = OutboundForm(data=data, user=request.auth)
    if not form.is_valid():
        return form_errors(form)
    try:
        o = services.outbound_create(acting_user=request.auth, **form.service_kwargs())
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _detail(selectors.outbound_for(user=request.auth, pk=o.pk)))


def _changeable(request: HttpRequest, outbound_id: int) -> Outbound:
    o = selectors.outbound_for(user=request.auth, pk=outbound_id, action=CHANGE)
    if o is None:
        raise _not_found()
    return o


@router.post(
    "/{int:outbound_id}/contacts", response={201: OutboundDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def add_contact(request: HttpRequest, outbound_id: int, payload: ContactIn):
    """添加一条联系记录（传达精神、了解困难、征求意见）。"""
    o = _changeable(request, outbound_id)
    form = ContactForm(data={k: v for k, v in payload.dict().items() if v is not None})
    if not form.is_valid():
        return form_errors(form)
    try:
        services.contact_add(outbound=o, acting_user=request.auth, **form.cleaned_data)
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _detail(selectors.outbound_for(user=request.auth, pk=o.pk)))


@router.post(
    "/{int:outbound_id}/return", response={200: OutboundDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def record_return(request: HttpRequest, outbound_id: int, payload: ReturnIn):
    """登记返回（同时在党员档案中记录“流动返回”）。"""
    o = _changeable(request, outbound_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    data.setdefault("version", o.version)
    form = ReturnForm(data=data)
    if not form.is_valid():
        return form_errors(form)
    try:
        services.outbound_return(
            o,
            acting_user=request.auth,
            returned_on=form.cleaned_data["returned_on"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return service_errors(exc)
    return _detail(selectors.outbound_for(user=request.auth, pk=o.pk))
