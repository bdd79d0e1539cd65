"""API: heart-to-heart talks (谈心谈话, rule ``meeting.heart_talk``) — per organisation, the
members and the talks of the current period; recording a talk. The same selectors and service
as the pages. 404 for an organisation the caller holds no grant on (the same as a missing one);
recording needs a changing grant. Notes are need-to-know: a read-only grant gets the talk and
its date with ``note`` empty and ``note_hidden`` true."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut

from .. import services_talks
from ..models_talks import HeartTalk
from ..selectors import talks as sel
from .meetings import _service_errors

router = Router(tags=["谈心谈话"])
PER_PAGE = 50


class TalkOut(Schema):
    id: int
    member_id: int
    org_id: int
    date: dt.date
    talker_id: int
    talker_name: str
    talker_title: str
    note: str
    note_hidden: bool


class TalkRowOut(Schema):
    member_id: int
    name: str
    org_id: int
    org_name: str
    need: int
    count: int
    done: bool
    talks: list[TalkOut]


class TalkListOut(Schema):
    org_id: int
    org_name: str
    today: dt.date
    rule: str
    source: str
    missing: int
    count: int
    page: int
    items: list[TalkRowOut]


class ListIn(Schema):
    show: str = "missing"
    page: int = 1


class TalkIn(Schema):
    member_id: int
    talker_id: int
    date: dt.date | None = None
    note: str = ""


def _talk_out(t: HeartTalk) -> dict:
    return {
        "id": t.pk,
        "member_id": t.member_id,
        "org_id": t.org_id,
        "date": t.date,
        "talker_id": t.talker_id,
        "talker_name": t.talker.holder_name,
        "talker_title": str(t.talker.get_title_display()),
        "note": t.note,
        "note_hidden": getattr(t, "note_hidden", False),
    }


def _org(request: HttpRequest, org_id: int, action: str = "view"):
    try:
        return sel.org_or_404(user=request.auth, pk=org_id, action=action)
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None


def _bad(field: str, msg: str) -> Status:
    return Status(400, {"detail": msg, "errors": {field: [msg]}})


@router.get("/{int:org_id}", response={200: TalkListOut, 404: ErrorOut})
def talk_list(request: HttpRequest, org_id: int, q: Query[ListIn]):
    """组织（含下级）的党员本期谈心谈话情况：show=missing（默认）只列尚未谈话的，show=all 列全部；
    每页 50 人。谈话要点只有支部书记（有管理权限）和本人可见。"""
    org = _org(request, org_id)
    result = sel.talk_cadence(user=request.auth, org=org, today=timezone.localdate())
    rows = [(s, r) for s in result.sections for r in (s.rows if q.show == "all" else s.missing)]
    page = max(q.page, 1)
    chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "today": result.today,
        "rule": result.rule.explain,
        "source": result.rule.source,
        "missing": result.missing_count,
        "count": len(rows),
        "page": page,
        "items": [
            {
                "member_id": r.member_id,
                "name": r.name,
                "org_id": s.org.pk,
                "org_name": s.org.name,
                "need": s.need,
                "count": r.count,
                "done": r.count >= s.need,
                "talks": [_talk_out(t) for t in r.talks],
            }
            for s, r in chunk
        ],
    }


@router.post("/{int:org_id}", response={201: TalkOut, 400: ErrorOut, 404: ErrorOut})
def talk_record(request: HttpRequest, org_id: int, payload: TalkIn):
    """登记一次谈心谈话：谈话对象（本组织在册党员）、谈话人（支部委员的任职记录 id，
    见 GET /api/v1/orgs/{org_id}/offices）、日期（默认今天）和谈话要点。"""
    org = _org(request, org_id, CHANGE)
    try:
        member = sel.member_or_404(user=request.auth, org=org, pk=payload.member_id)
    except Http404:
        return _bad("member_id", _("本组织中没有这位党员。"))
    today = timezone.localdate()
    on = payload.date or today
    talker = next(
        (o for o in sel.talkers_for(member=member, on=on) if o.pk == payload.talker_id), None
    )
    if talker is None:
        return _bad("talker_id", _("谈话人须是谈话当天在任的本支部（或上级党组织）委员。"))
    try:
        talk = services_talks.heart_talk_record(
            member=member,
            talker=talker,
            date=on,
            note=payload.note,
            acting_user=request.auth,
            today=today,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _talk_out(talk))
