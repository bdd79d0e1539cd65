"""API: 信访、民事调解 — the cases a user reaches (paged, overdue first; no party's name or phone
in the list), one case (parties with masked phones; opening it is audited like the page), and
受理 a new case. Same selectors and services as the pages; need-to-know as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import Organisation, Place

from . import selectors, services
from .models import Case, Kind

router = Router(tags=["信访与矛盾纠纷调处"])


class CaseOut(Schema):
    id: int
    number: str
    community_id: int
    place_id: int
    place: str
    kind: str
    category: str
    received_on: dt.date
    deadline: dt.date
    overdue: bool
    state: str
    outcome: str
    referred_to: str
    closed_on: dt.date | None

    @staticmethod
    def resolve_place(obj) -> str:  # noqa: ANN001
        return obj["place"] if isinstance(obj, dict) else obj.place.name


class PartyOut(Schema):
    name: str
    role: str
    phone: str


class SessionOut(Schema):
    held_on: dt.date
    venue: str
    mediators: list[str]
    agreed: str


class FollowUpOut(Schema):
    visited_on: dt.date
    by_name: str
    note: str


class CaseDetailOut(CaseOut):
    summary: str
    agreement: str
    version: int
    parties: list[PartyOut]
    mediators: list[str]
    sessions: list[SessionOut]
    follow_ups: list[FollowUpOut]


class PartyIn(Schema):
    name: str
    role: str
    phone: str = ""


class CaseIn(Schema):
    place_id: int
    kind: str
    category: str
    received_on: dt.date
    summary: str
    parties: list[PartyIn] = []
    mediators: list[str] = []


def _missing() -> HttpError:
    return HttpError(404, _("未找到该案件，或您无权查看。"))


@router.get("/", response=list[CaseOut])
@paginate(LimitOffsetPagination)
def list_cases(
    request: HttpRequest,
    org: int | None = None,
    state: str = "",
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """可见的案件（已超期的在前，再按办理时限）。state：overdue、open、received、mediating、closed。"""
    found = None
    if org is not None:
        found = Organisation.objects.filter(pk=org).first()
        if found is None or not (
            scope_for(request.auth).reaches_path(found.path, CHANGE)
            or selectors.communities(request.auth).filter(pk=org).exists()
        ):
            raise HttpError(404, _("未找到该组织，或您无权查看。"))
    if kind and kind not in Kind.values:
        raise HttpError(400, _("未知的案件类别。"))
    return selectors.cases(
        user=request.auth,
        today=timezone.localdate(),
        org=found,
        state=state,
        kind=kind,
        start=start,
        end=end,
    )


@router.get("/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: int):
    """一个案件：当事人（电话隐藏中间位）、调解员、调解记录、回访。每次读取记入操作日志。"""
    try:
        case = selectors.case_detail(user=request.auth, pk=case_id)
    except Case.DoesNotExist:
        raise _missing() from None
    services.case_read(case, acting_user=request.auth, ip=request.META.get("REMOTE_ADDR"))
    today = timezone.localdate()
    return {
        "id": case.pk,
        "number": case.number,
        "community_id": case.community_id,
        "place_id": case.place_id,
        "place": case.place.name,
        "kind": case.kind,
        "category": case.category,
        "received_on": case.received_on,
        "deadline": case.deadline,
        "overdue": case.is_overdue(today),
        "state": case.state,
        "outcome": case.outcome,
        "referred_to": case.referred_to,
        "closed_on": case.closed_on,
        "summary": case.summary,
        "agreement": case.agreement,
        "version": case.version,
        "parties": [
            {"name": p.name, "role": p.role, "phone": p.masked_phone} for p in case.parties.all()
        ],
        "mediators": [m.name for m in case.mediators.all()],
        "sessions": [
            {
                "held_on": s.held_on,
                "venue": s.venue,
                "mediators": [m.name for m in s.mediators.all()],
                "agreed": s.agreed,
            }
            for s in case.sessions.all()
        ],
        "follow_ups": [
            {"visited_on": v.visited_on, "by_name": v.by_name, "note": v.note}
            for v in case.follow_ups.all()
        ],
    }


@router.post("/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def open_case(request: HttpRequest, payload: CaseIn):
    """受理一件信访或纠纷（place_id：本社区的网格、楼栋、单元或住户）。办理时限按规则表计算。"""
    place = Place.objects.select_related("community").filter(pk=payload.place_id).first()
    if place is None or not services.may_work(request.auth, place.community, place):
        raise HttpError(404, _("未找到该住户或网格，或您无权受理。"))
    try:
        case = services.case_open(
            acting_user=request.auth,
            community=place.community,
            place=place,
            kind=payload.kind,
            category=payload.category,
            received_on=payload.received_on,
            summary=payload.summary,
            parties=[p.dict() for p in payload.parties],
            mediator_names=payload.mediators,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(
        201, {"id": case.pk, "number": case.number, "deadline": case.deadline.isoformat()}
    )
