"""The “五个好” assessment through the API: the communities of an organisation with their goods,
total and level; one community's scorecard with every indicator; the records behind one
indicator (paged; they add up to the scorecard's figure); inspectors' on-site scores (list; add one
from above). Same figures and the same access as the pages: out of reach is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import IntegerField, Value
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.core.api_paging import mapped_pagination
from dangjian.orgs.models import Organisation

from . import scoring, selectors, services
from . import views_rows as rows_
from .models import InspectorScore

router = Router(tags=["五个好考核"])


class GoodOut(Schema):
    good: str
    label: str
    max_points: Decimal
    points: Decimal | None


class CommunityScoreOut(Schema):
    community_id: int
    community: str
    year: int
    goods: list[GoodOut]
    total: Decimal | None
    level: str


class LineOut(Schema):
    key: str
    good: str
    title: str
    explain: str
    unit: str
    records: int
    numerator: Decimal
    denominator: Decimal
    percent: Decimal | None
    target: Decimal
    weight: Decimal
    score: Decimal | None
    points: Decimal | None
    note: str


class ScorecardOut(CommunityScoreOut):
    lines: list[LineOut]
    as_of: dt.date


class RecordOut(Schema):
    label: str
    ok: bool
    url: str
    note: str
    day: dt.date | None
    points: Decimal
    out_of: Decimal


class InspectorScoreIn(Schema):
    good: str
    score: str
    inspector: str
    scored_on: dt.date
    note: str = ""


class InspectorScoreOut(Schema):
    id: int
    good: str
    score: Decimal
    inspector: str
    scored_on: dt.date
    note: str
    voided: bool
    void_reason: str
    version: int


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该社区党组织或年度，或您无权查看。"))


def _community(request: HttpRequest, pk: int, year: int) -> tuple[Organisation, int]:
    try:
        return (
            selectors.community_or_404(user=request.auth, pk=pk),
            rows_.year_or_404(year),
        )
    except Http404:
        raise _not_found() from None


def _goods(card: scoring.Scorecard) -> list[dict[str, Any]]:
    return [
        {"good": g.good, "label": g.label, "max_points": g.max_points, "points": g.points}
        for g in card.goods
    ]


def _score_row(card: scoring.Scorecard) -> dict[str, Any]:
    return {
        "community_id": card.community.pk,
        "community": card.community.name,
        "year": card.year,
        "goods": _goods(card),
        "total": card.total,
        "level": card.level,
    }


def _page(rows: list[Organisation]) -> list[dict[str, Any]]:
    """Each page's communities measured (their year rides along on the row)."""
    by_year: dict[int, list[Organisation]] = {}
    for c in rows:
        by_year.setdefault(c.assess_year, []).append(c)
    cards = {
        card.community.pk: card
        for y, communities in by_year.items()
        for card in scoring.scorecards(communities, y, counts_only=True)
    }
    return [_score_row(cards[c.pk]) for c in rows]


ScoresPagination = mapped_pagination(_page)


@router.get("/scores", response=list[CommunityScoreOut])
@paginate(ScoresPagination)
def scores(request: HttpRequest, org: int | None = None, year: int | None = None):
    """各社区党组织的“五个好”得分（五项、总分、等次）。org 为街道（乡镇）、县或社区党组织，
    不指定时为您负责的最上级组织；year 默认今年。"""
    try:
        top = rows_.table_org(request.auth, org)
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None
    y = rows_.year_of(str(year) if year else None)
    if year and y != year:
        raise HttpError(404, _("没有这个年度的考核。"))
    if top is None:
        return Organisation.objects.none()
    ids = [c.pk for c in rows_.communities_of(request.auth, top)]
    return (
        Organisation.objects.filter(pk__in=ids)
        .annotate(assess_year=Value(y, output_field=IntegerField()))
        .order_by("path")
    )


@router.get("/{pk}/{year}", response=ScorecardOut)
def scorecard(request: HttpRequest, pk: int, year: int):
    """一个社区党组织一年的评分表：五项得分、总分、等次和每个指标（实得/应得、完成比例、
    达标线、权重、得分率、折合分）。每个指标的记录见 /{pk}/{year}/{key}/records。"""
    community, y = _community(request, pk, year)
    card = scoring.scorecard(community, y)
    lines = []
    for good in rows_.good_rows(card):
        for ln in good.lines:
            lines.append(
                {
                    "key": ln.key,
                    "good": good.key,
                    "title": ln.indicator.title,
                    "explain": ln.indicator.explain,
                    "unit": ln.indicator.unit,
                    "records": ln.count,
                    "numerator": ln.numerator,
                    "denominator": ln.denominator,
                    "percent": ln.percent,
                    "target": ln.line.target,
                    "weight": ln.line.weight,
                    "score": ln.line.score,
                    "points": ln.points,
                    "note": ln.line.measure.note,
                }
            )
    return {**_score_row(card), "lines": lines, "as_of": card.ctx.end}


@router.get("/{pk}/{year}/{key}/records", response=list[RecordOut])
@paginate(LimitOffsetPagination)
def records(request: HttpRequest, pk: int, year: int, key: str, show: str = "all"):
    """一个指标计分的记录（show：all 全部 / ok 达标 / bad 未达标）。全部记录的 points 之和与
    out_of 之和即评分表中该指标的实得与应得。"""
    community, y = _community(request, pk, year)
    try:
        line = scoring.measure_one(community, y, key)
    except KeyError:
        raise HttpError(404, _("没有这个指标。")) from None
    chosen = rows_.filtered(line.measure.records, show if show in rows_.SHOWS else "all")
    return [
        {
            "label": r.label,
            "ok": r.ok,
            "url": r.url,
            "note": r.note,
            "day": r.day,
            "points": r.earned,
            "out_of": Decimal(r.out_of),
        }
        for r in chosen
    ]


def _score_out(s: InspectorScore) -> dict[str, Any]:
    return {
        "id": s.pk,
        "good": s.good,
        "score": s.score,
        "inspector": s.inspector,
        "scored_on": s.scored_on,
        "note": s.note,
        "voided": s.voided_at is not None,
        "void_reason": s.void_reason,
        "version": s.version,
    }


@router.get("/{pk}/{year}/inspector-scores", response=list[InspectorScoreOut])
def inspector_scores(request: HttpRequest, pk: int, year: int):
    """考核组现场打分（含已作废的，voided 为 true，不计分）。"""
    community, y = _community(request, pk, year)
    return [
        _score_out(s)
        for s in InspectorScore.objects.visible_to(request.auth)
        .filter(community=community, year=y)
        .order_by("scored_on", "pk")
    ]


@router.post(
    "/{pk}/{year}/inspector-scores",
    response={201: InspectorScoreOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def add_inspector_score(request: HttpRequest, pk: int, year: int, payload: InspectorScoreIn):
    """录入一条考核组现场打分（good：leadership/members/mechanism/results/residents；score 为
    0–100 的文本，最多一位小数）。只有街道（乡镇）及以上党组织可以录入。"""
    community, y = _community(request, pk, year)
    try:
        row = services.inspector_score_add(
            acting_user=request.auth,
            community=community,
            year=y,
            good=payload.good,
            score=payload.score,
            inspector=payload.inspector,
            scored_on=payload.scored_on,
            note=payload.note,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, _score_out(row))
