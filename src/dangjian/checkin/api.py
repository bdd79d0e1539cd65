"""API: 在职党员到社区报到 — the checked-in members of a community with their year against the rule
and the silent ones, one check-in with its deeds and pairings, recording a deed or a pairing, and
ending a check-in. The same scoped selectors and services as the pages; what is not the caller's
is the same 404 as what is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.core.forms import parse_date
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import selectors, services
from .models import CHECKIN_RELATED, CheckIn

router = Router(tags=["在职党员到社区报到"])


class StandingOut(Schema):
    id: int
    member_id: int
    member_name: str
    community_id: int
    community_name: str
    employer: str
    employer_party_org: str
    checked_in_on: dt.date
    post: str
    posts: list[str]
    ended_on: dt.date | None
    deeds_this_year: int
    households_paired: int
    last_active: dt.date
    met: bool
    invisible: bool
    behind: list[str]


class DeedOut(Schema):
    date: dt.date
    title: str


class PairingOut(Schema):
    household: str
    household_id: int | None
    since: dt.date
    until: dt.date | None


class CheckInDetailOut(StandingOut):
    end_reason: str
    deeds: list[DeedOut]
    pairings: list[PairingOut]


class DeedIn(Schema):
    date: str | None = None
    title: str = ""
    household_id: int | None = None


class PairingIn(Schema):
    household_id: int | None = None
    household_note: str = ""
    since: str | None = None


class EndIn(Schema):
    on: str | None = None
    reason: str = ""


def _row(s: selectors.Standing) -> dict[str, Any]:
    c = s.checkin
    return {
        "id": c.pk,
        "member_id": c.member_id,
        "member_name": c.member.name,
        "community_id": c.community_id,
        "community_name": c.community.name,
        "employer": c.employer,
        "employer_party_org": c.employer_party_org,
        "checked_in_on": c.checked_in_on,
        "post": s.post_label,
        "posts": s.posts,
        "ended_on": c.ended_on,
        "deeds_this_year": s.deeds,
        "households_paired": s.households,
        "last_active": s.last_active,
        "met": s.met,
        "invisible": s.invisible,
        "behind": s.behind,
    }


def _standings(checkins: list[CheckIn]) -> list[selectors.Standing]:
    today = timezone.localdate()
    return selectors.standings(checkins, year=today.year, today=today)


def _checkin(request: HttpRequest, checkin_id: int) -> CheckIn:
    try:
        return get_visible_or_404(
            CheckIn.objects.select_related(*CHECKIN_RELATED),
            request.auth,
            pk=checkin_id,
        )
    except Http404 as exc:
        raise HttpError(404, _("未找到该报到记录，或您无权查看。")) from exc


def _detail(c: CheckIn, user: Any) -> dict[str, Any]:
    (s,) = _standings([c])
    out = _row(s)
    out["end_reason"] = c.end_reason
    out["deeds"] = [
        {"date": d.date, "title": d.title} for d in selectors.checkin_deeds(user=user, checkin=c)
    ]
    out["pairings"] = [
        {
            "household": p.household_label,
            "household_id": p.household_id,
            "since": p.since,
            "until": p.until,
        }
        for p in c.pairings.select_related("household").order_by("-since", "-pk")
    ]
    return out


@router.get("/", response=list[StandingOut])
def list_checkins(request: HttpRequest, org: int | None = None, show: str = ""):
    """报到党员：今年的实事件数、结对户数是否达到规则，长期未参加社区活动的在前；
    show=invisible 只列长期无活动的，show=behind 只列未达到规则的。"""
    community = None
    if org is not None:
        community = (
            Organisation.objects.visible_to(request.auth)
            .filter(pk=org, kind__in=list(COMMUNITY_KINDS))
            .first()
        )
        if community is None:
            raise HttpError(404, _("未找到该社区，或您无权查看。"))
    rows = _standings(list(selectors.checkins_visible(user=request.auth, community=community)))
    if show == "invisible":
        rows = [r for r in rows if r.invisible]
    elif show == "behind":
        rows = [r for r in rows if not r.met]
    rows.sort(key=lambda r: (not r.invisible, r.met, r.checkin.member.name))
    return [_row(r) for r in rows]


@router.get("/{int:checkin_id}", response={200: CheckInDetailOut, 404: ErrorOut})
def get_checkin(request: HttpRequest, checkin_id: int):
    """一名党员的报到：单位、认领岗位、今年情况、实事和结对帮扶。"""
    return _detail(_checkin(request, checkin_id), request.auth)


def _act(request: HttpRequest, checkin_id: int, fn: Any, **kwargs: Any) -> Any:
    c = _checkin(request, checkin_id)
    try:
        fn(c, acting_user=request.auth, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(404, _("未找到该报到记录，或您无权查看。")) from exc
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _detail(_checkin(request, checkin_id), request.auth))


@router.post(
    "/{int:checkin_id}/deeds", response={201: CheckInDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def add_deed(request: HttpRequest, checkin_id: int, payload: DeedIn):
    """记录一件为社区办的实事好事（记入社区的实事与服务记录，本人为参加党员）。"""
    return _act(
        request,
        checkin_id,
        services.deed_add,
        date=parse_date(payload.date),
        title=payload.title,
        household=payload.household_id,
    )


@router.post(
    "/{int:checkin_id}/pairings", response={201: CheckInDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def add_pairing(request: HttpRequest, checkin_id: int, payload: PairingIn):
    """记录一户结对帮扶的困难户：household_id 为本社区登记的住户；尚未登记的住户写在
    household_note。"""
    return _act(
        request,
        checkin_id,
        services.pairing_add,
        household=payload.household_id,
        household_note=payload.household_note,
        since=parse_date(payload.since),
    )


@router.post(
    "/{int:checkin_id}/end", response={201: CheckInDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def end_checkin(request: HttpRequest, checkin_id: int, payload: EndIn):
    """解除报到（工作变动、搬离本社区等）。"""
    return _act(
        request, checkin_id, services.check_out, on=parse_date(payload.on), reason=payload.reason
    )
