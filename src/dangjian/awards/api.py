"""API: 星级社区党建示范点 (proposals and decisions) and 优秀党务工作者 (rounds, nominations with
each nominee's record, the decision). The same selectors and services as the pages, the same
access: anything out of reach is a 404, the same as for what does not exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.assessment.selectors import community_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import record as records
from . import selectors, services

router = Router(tags=["示范点与评选"])

NOT_FOUND = "未找到，或您无权查看。"


def _404() -> HttpError:
    return HttpError(404, _(NOT_FOUND))


class GoodOut(Schema):
    good: str
    label: str
    points: Decimal | None
    max_points: Decimal


class DecisionOut(Schema):
    community_id: int
    year: int
    proposed_stars: int | None
    proposed_total: Decimal | None
    decided_stars: int
    reason: str
    decided_at: dt.datetime
    version: int


class ProposalOut(Schema):
    community_id: int
    community: str
    year: int
    total: Decimal | None
    level: str
    proposed_stars: int | None
    reasons: list[str]
    goods: list[GoodOut]
    decision: DecisionOut | None
    can_decide: bool


class ProposalPage(Schema):
    count: int
    items: list[ProposalOut]


class DecideIn(Schema):
    stars: int
    reason: str = ""
    version: int | None = None


class RoundOut(Schema):
    id: int
    org_id: int
    org: str
    year: int
    title: str
    nominate_by: dt.date


class YearOut(Schema):
    year: int
    meetings_attended: int
    meetings_excused: int
    meetings_absent: int
    lectures: int
    deeds: int
    volunteer_hours: Decimal
    households: int
    courses: int
    training_days: int


class NominationOut(Schema):
    id: int
    round_id: int
    community_id: int
    community: str
    member_id: int | None
    staff_id: int | None
    name: str
    citation: str
    outcome: str
    decision_reason: str
    version: int


class NominationDetailOut(NominationOut):
    offices: list[str]
    lectures: list[str]
    commitments: list[str]
    years: list[YearOut]


class NominationDecideIn(Schema):
    outcome: str
    reason: str = ""
    version: int | None = None


def _proposal_out(p: selectors.Proposal, user: object) -> dict:
    d = p.decision
    return {
        "community_id": p.community.pk,
        "community": p.community.name,
        "year": p.year,
        "total": p.total,
        "level": p.level,
        "proposed_stars": p.stars,
        "reasons": p.reasons,
        "goods": [
            {"good": g.good, "label": g.label, "points": g.points, "max_points": g.max_points}
            for g in p.goods
        ],
        "decision": _decision_out(d) if d else None,
        "can_decide": selectors.may_decide(user=user, community=p.community),
    }


def _decision_out(d) -> dict:  # noqa: ANN001
    return {
        "community_id": d.community_id,
        "year": d.year,
        "proposed_stars": d.proposed_stars,
        "proposed_total": d.proposed_total,
        "decided_stars": d.decided_stars,
        "reason": d.reason,
        "decided_at": d.decided_at,
        "version": d.version,
    }


def _nomination_out(n) -> dict:  # noqa: ANN001
    return {
        "id": n.pk,
        "round_id": n.round_id,
        "community_id": n.community_id,
        "community": n.community.name,
        "member_id": n.member_id,
        "staff_id": n.staff_id,
        "name": n.nominee_name,
        "citation": n.citation,
        "outcome": n.outcome,
        "decision_reason": n.decision_reason,
        "version": n.version,
    }


def _year(year: int | None) -> int:
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise HttpError(400, _("年度不正确。"))
    return year


@router.get("/models/", response=ProposalPage)
def list_models(
    request: HttpRequest,
    org: int | None = None,
    year: int | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """一年的星级示范点：每个社区的“五个好”总分、建议星级及理由、决定。
    org 为上级组织（其下全部社区）或一个社区；不指定时为您可查看的全部社区。"""
    y = _year(year)
    qs = selectors.communities_visible(user=request.auth)
    if org is not None:
        target = Organisation.objects.filter(pk=org).first()
        if target is None:
            raise _404()
        if target.kind in COMMUNITY_KINDS:
            qs = qs.filter(pk=target.pk)
            if not qs.exists():
                raise _404()
        else:
            try:
                upper = selectors.upper_org_or_404(request.auth, org)
            except Http404:
                raise _404() from None
            qs = selectors.communities_visible(user=request.auth, under=upper)
    count = qs.count()
    page = list(qs[offset : offset + limit])
    items = [_proposal_out(p, request.auth) for p in selectors.proposals(page, y)]
    return {"count": count, "items": items}


@router.post(
    "/models/{community_id}/{year}/decide",
    response={200: DecisionOut, 400: ErrorOut, 404: ErrorOut},
)
def decide_model(request: HttpRequest, community_id: int, year: int, payload: DecideIn):
    """决定一个社区当年的示范点星级（0–5，0 为不评）；与建议不同须写 reason；
    修改已有决定须带上 version（看到的版本），否则拒绝。只有上级党委可以决定。"""
    try:
        c = community_or_404(user=request.auth, pk=community_id)
    except Http404:
        raise _404() from None
    if not selectors.may_decide(user=request.auth, community=c):
        raise _404()
    try:
        d = services.model_decide(
            acting_user=request.auth,
            community=c,
            year=_year(year),
            stars=payload.stars,
            reason=payload.reason,
            version=payload.version,
        )
    except services.NotAllowed:
        raise _404() from None
    except ValidationError as exc:
        return service_errors(exc)
    return Status(200, _decision_out(d))


@router.get("/rounds/", response=list[RoundOut])
@paginate(LimitOffsetPagination)
def list_rounds(request: HttpRequest):
    """优秀党务工作者评选：您所在组织及其上级、下级组织开展的评选。"""
    return [
        {
            "id": r.pk,
            "org_id": r.org_id,
            "org": r.org.name,
            "year": r.year,
            "title": r.title,
            "nominate_by": r.nominate_by,
        }
        for r in selectors.rounds_visible(request.auth)
    ]


@router.get("/rounds/{round_id}/nominations/", response=list[NominationOut])
@paginate(LimitOffsetPagination)
def list_nominations(request: HttpRequest, round_id: int):
    """一次评选中您可查看的推荐（社区看本社区的，评选组织看全部）。"""
    try:
        rnd = selectors.round_or_404(request.auth, round_id)
    except Http404:
        raise _404() from None
    return [_nomination_out(n) for n in selectors.nominations_visible(request.auth, rnd)]


@router.get("/nominations/{nomination_id}", response=NominationDetailOut)
def get_nomination(request: HttpRequest, nomination_id: int):
    """一名被推荐人：推荐理由、评选结果和系统汇总的工作记录（本年度和上一年度）。"""
    try:
        n = selectors.nomination_or_404(request.auth, nomination_id)
    except Http404:
        raise _404() from None
    rec = records.nominee_record(n)
    return {
        **_nomination_out(n),
        "offices": [f"{o.org.name}{o.get_title_display()}" for o in rec.offices],
        "lectures": [f"{m.date} {m.topic}" for m in rec.lectures],
        "commitments": [
            f"{c.year} {c.title}（{c.grade or c.get_state_display()}）" for c in rec.commitments
        ],
        "years": [f.__dict__ for f in rec.years],
    }


@router.post(
    "/nominations/{nomination_id}/decide",
    response={200: NominationOut, 400: ErrorOut, 404: ErrorOut},
)
def decide_nomination(request: HttpRequest, nomination_id: int, payload: NominationDecideIn):
    """评选组织决定：outcome 为 chosen（评为优秀）或 not_chosen（未评上，须写 reason）。"""
    try:
        n = selectors.nomination_or_404(request.auth, nomination_id)
    except Http404:
        raise _404() from None
    if not selectors.may_decide_round(request.auth, n.round):
        raise _404()
    try:
        n = services.nomination_decide(
            acting_user=request.auth,
            nomination=n,
            outcome=payload.outcome,
            reason=payload.reason,
            version=payload.version,
        )
    except services.NotAllowed:
        raise _404() from None
    except ValidationError as exc:
        return service_errors(exc)
    return Status(200, _nomination_out(n))
