"""API: 出租房屋 and 流动人口 — the rows a user reaches (need-to-know, as on the pages), ID numbers
always masked; opening one dwelling or tenant is written to the audit trail as a read."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core import audit
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.grid.access import reaches_grid
from dangjian.orgs.models import Place

from . import selectors, services
from .models import Dwelling, Tenant

router = Router(tags=["出租房屋与流动人口"])


class DwellingOut(Schema):
    id: int
    household_id: int
    household: str
    community_id: int
    landlord_name: str
    landlord_phone: str
    rented_since: dt.date | None
    police_registered_on: dt.date | None
    note: str
    version: int


class DwellingListOut(Schema):
    id: int
    household_id: int
    household: str
    community_id: int
    landlord_name: str
    living: int


class DwellingIn(Schema):
    household_id: int
    landlord_name: str
    landlord_phone: str = ""
    rented_since: dt.date | None = None
    police_registered_on: dt.date | None = None
    note: str = ""


class TenantOut(Schema):
    id: int
    dwelling_id: int
    household: str
    name: str
    id_masked: str
    phone: str
    move_in: dt.date
    move_out: dt.date | None
    permit_number: str
    permit_expires: dt.date | None
    origin: str
    expiring: bool
    version: int


class TenantIn(Schema):
    dwelling_id: int
    name: str
    id_number: str
    phone: str = ""
    move_in: dt.date
    permit_number: str = ""
    permit_expires: dt.date | None = None
    origin: str = ""


def _gate(request: HttpRequest) -> None:
    if not reaches_grid(request.auth):
        raise HttpError(404, _("未找到，或您无权查看。"))


def _filters(request: HttpRequest, org: int | None, area: int | None) -> dict:
    _gate(request)
    out = {"org": None, "area": None}
    if org is not None:
        out["org"] = selectors.reachable_communities(request.auth).filter(pk=org).first()
        if out["org"] is None:
            raise HttpError(404, _("未找到该社区，或您无权查看。"))
    if area is not None:
        out["area"] = (
            services.HouseholdQuerySet(model=Place).visible_to(request.auth).filter(pk=area).first()
        )
        if out["area"] is None:
            raise HttpError(404, _("未找到该区域，或您无权查看。"))
    return out


def _dwelling_out(d: Dwelling) -> dict:
    return {
        "id": d.pk,
        "household_id": d.household_id,
        "household": d.household.name,
        "community_id": d.household.community_id,
        "landlord_name": d.landlord_name,
        "landlord_phone": d.landlord_phone,
        "rented_since": d.rented_since,
        "police_registered_on": d.police_registered_on,
        "note": d.note,
        "version": d.version,
        "living": getattr(d, "living", 0),
    }


def _tenant_out(t: Tenant, soon: dt.date) -> dict:
    return {
        "id": t.pk,
        "dwelling_id": t.dwelling_id,
        "household": t.dwelling.household.name,
        "name": t.name,
        "id_masked": t.id_masked,
        "phone": t.phone,
        "move_in": t.move_in,
        "move_out": t.move_out,
        "permit_number": t.permit_number,
        "permit_expires": t.permit_expires,
        "origin": t.origin,
        "expiring": bool(not t.move_out and t.permit_expires and t.permit_expires <= soon),
        "version": t.version,
    }


class _Mapped:
    """The queryset, paged by the database, each row turned into its output."""

    def __init__(self, qs, out) -> None:  # noqa: ANN001
        self.qs, self.out = qs, out

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict]:
        return [self.out(x) for x in self.qs[key]]


@router.get("/dwellings/", response=list[DwellingListOut])
@paginate(LimitOffsetPagination)
def list_dwellings(request: HttpRequest, org: int | None = None, area: int | None = None):
    """出租房屋（按社区、网格筛选）。"""
    f = _filters(request, org, area)
    return _Mapped(selectors.dwellings(user=request.auth, **f), _dwelling_out)


@router.get("/dwellings/{pk}/", response={200: DwellingOut, 404: ErrorOut})
def get_dwelling(request: HttpRequest, pk: int):
    """一处出租房屋（记入操作日志）。"""
    _gate(request)
    d = (
        Dwelling.objects.visible_to(request.auth)
        .select_related("household__community")
        .filter(pk=pk)
        .first()
    )
    if d is None:
        raise HttpError(404, _("未找到该出租房屋，或您无权查看。"))
    audit.record_read(d, acting_user=request.auth, ip=request.META.get("REMOTE_ADDR"))
    return _dwelling_out(d)


@router.post("/dwellings/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_dwelling(request: HttpRequest, payload: DwellingIn):
    """登记出租房屋。"""
    household = services.households_reachable(request.auth).filter(pk=payload.household_id).first()
    if household is None:
        raise HttpError(404, _("未找到该住户，或您无权登记。"))
    data = payload.dict()
    data.pop("household_id")
    try:
        d = services.dwelling_register(acting_user=request.auth, household=household, **data)
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": d.pk})


@router.get("/tenants/", response=list[TenantOut])
@paginate(LimitOffsetPagination)
def list_tenants(
    request: HttpRequest, org: int | None = None, area: int | None = None, state: str = "current"
):
    """流动人口（居住证即将到期的在前；身份证号打码）。state: current / out / all。"""
    f = _filters(request, org, area)
    if state not in ("current", "out", "all"):
        raise HttpError(400, _("state 只能是 current、out 或 all。"))
    today = timezone.localdate()
    days = selectors.reminder_days(f["org"])
    qs = selectors.tenants(user=request.auth, state=state, today=today, days=days, **f)
    soon = today + dt.timedelta(days=days)
    return _Mapped(qs, lambda t: _tenant_out(t, soon))


@router.get("/tenants/{pk}/", response={200: TenantOut, 404: ErrorOut})
def get_tenant(request: HttpRequest, pk: int):
    """一名流动人口（身份证号打码；记入操作日志）。"""
    _gate(request)
    t = (
        Tenant.objects.visible_to(request.auth)
        .select_related("dwelling__household__community")
        .filter(pk=pk)
        .first()
    )
    if t is None:
        raise HttpError(404, _("未找到该人员，或您无权查看。"))
    audit.record_read(t, acting_user=request.auth, ip=request.META.get("REMOTE_ADDR"))
    days = selectors.reminder_days(t.dwelling.household.community)
    return _tenant_out(t, timezone.localdate() + dt.timedelta(days=days))


@router.post("/tenants/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_tenant(request: HttpRequest, payload: TenantIn):
    """登记流动人口（身份证号校验不通过时返回 400 和原因）。"""
    dwelling = Dwelling.objects.changeable_by(request.auth).filter(pk=payload.dwelling_id).first()
    if dwelling is None:
        raise HttpError(404, _("未找到该出租房屋，或您无权登记。"))
    data = payload.dict()
    data.pop("dwelling_id")
    try:
        t = services.tenant_add(acting_user=request.auth, dwelling=dwelling, **data)
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": t.pk})
