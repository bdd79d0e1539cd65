"""API: 困难家庭台帐 — the register rows a user may see (need-to-know: a changing grant on the
community) and registering one. The kind and note come only with ``reveal=true``, which is
logged like a reveal on the page."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind

from . import selectors, services
from .models import Kind

router = Router(tags=["困难家庭"])


class DifficultyOut(Schema):
    id: int
    household_id: int
    household: str
    community_id: int
    kind: str
    kind_label: str
    since: dt.date
    until: dt.date | None
    note: str
    paired: int


class DifficultyIn(Schema):
    household_id: int
    kind: str
    since: dt.date
    note: str = ""


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)),
            request.auth,
            action=CHANGE,
            pk=org,
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


def _out(d, reveal: bool) -> dict:  # noqa: ANN001
    return {
        "id": d.pk,
        "household_id": d.household_id,
        "household": d.household.name,
        "community_id": d.household.community_id,
        "kind": d.kind if reveal else services.MASK,
        "kind_label": d.get_kind_display() if reveal else services.MASK,
        "since": d.since,
        "until": d.until,
        "note": d.note if reveal or not d.note else services.MASK,
        "paired": d.paired,
    }


class _Mapped:
    """The queryset, paged by the database, each row masked as asked (``_out``)."""

    def __init__(self, qs, reveal: bool) -> None:  # noqa: ANN001
        self.qs, self.reveal = qs, reveal

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict]:
        return [_out(d, self.reveal) for d in self.qs[key]]


@router.get("/", response=list[DifficultyOut])
@paginate(LimitOffsetPagination)
def list_difficulties(
    request: HttpRequest,
    org: int | None = None,
    kind: str = "",
    active: str = "true",
    reveal: bool = False,
):
    """困难家庭台帐（按社区、类别筛选；active=true 在册，false 已结束，all 全部）。reveal=true 时给出类别和说明，并记入操作日志。"""
    community = _community(request, org) if org else None
    if kind and kind not in Kind.values:
        raise HttpError(400, _("未知的困难类别。"))
    # active=true (in the register now, the default), false (ended), all
    state = {"true": True, "1": True, "false": False, "0": False}.get(active.lower())
    qs = selectors.register(user=request.auth, community=community, kind=kind, active=state)
    if reveal or kind:
        services.register_reveal(
            acting_user=request.auth,
            scope_path=community.path if community else "",
            what="api",
            kind=kind,
            ip=request.META.get("REMOTE_ADDR"),
        )
    return _Mapped(qs, reveal)


@router.post("/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_difficulty(request: HttpRequest, payload: DifficultyIn):
    """登记一户的一类困难。"""
    household = (
        Place.objects.changeable_by(request.auth)
        .filter(pk=payload.household_id, kind=PlaceKind.HOUSEHOLD)
        .first()
    )
    if household is None:
        raise HttpError(404, _("未找到该住户，或您无权登记。"))
    try:
        d = services.difficulty_record(
            acting_user=request.auth,
            household=household,
            kind=payload.kind,
            since=payload.since,
            note=payload.note,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": d.pk})
