"""Indicators of 群众反映好: service requests closed on time and residents' satisfaction.

* ``residents.requests`` — each service request (``servicedesk``) of the community whose
  deadline fell in the year, or that was closed (办结, ``done_on``) in the year: met when closed
  on or before its deadline. "Closed" and "overdue" mean what they mean on the service desk:
  closed is ``done_on`` (the 办结 the stats page counts), overdue is still open after the
  deadline (``servicedesk.selectors.overdue_q``), judged as of ``ctx.end``. A request still in
  time is not counted yet; a request transferred to a department (转办) left the desk and is not
  counted. One query.
* ``residents.satisfaction`` — each rating a resident gave in the year about the community's
  services, from every source in :data:`SOURCES`: the ratings of service requests (1–5, by the
  resident through the receipt link or taken down by staff on the call-back) and residents'
  ratings of members' commitments (居民评议, 0–100; a voided rating does not count). A rating is
  *satisfied* when it is 满意 or 基本满意 on the scale the resident was shown: 3 or more of 5 on
  a service request (the receipt page's "基本满意（3 分）"); for a commitment, at least the
  基本合格 line of rule ``commitment.evaluation`` (the public page's 基本满意 is 70, 不满意 50).
  One query per source for any number of communities. Residents' ratings of the activities and services the community
  published on its public board (党务居务公开, ``openness``; 1–5 as on a service request, a
  voided rating does not count) are a source too, judged by the same line as a service request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.core import rules

from .base import Batch, Ctx, Good, Indicator, Measure, Record, Sink, url_of


def satisfied_from(community) -> int:  # noqa: ANN001
    """On the 1–5 scale of a service request's rating (5 非常满意 … 3 基本满意 … 1 不满意, as the
    receipt page offers them): the lowest that counts as satisfied (rule ``assess.satisfied``)."""
    return int(rules.value("assess.satisfied", "request_min", org=community))


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _period_note(ctx: Ctx) -> str:
    if ctx.running:
        return f"{ctx.year} 年尚未结束，按截至 {_cn(ctx.end)} 的记录计"
    return f"按 {ctx.year} 年全年记录计"


# ---- residents.requests --------------------------------------------------------------------------
def measure_requests(b: Batch) -> dict[int, Measure]:
    from django.db.models import F, Q

    from dangjian.servicedesk.models import Request, State

    # Open after the deadline is overdue (servicedesk.selectors.overdue_q with "today" the day
    # after ctx.end once the year is over, today while it runs).
    cutoff = min(b.today, b.end + dt.timedelta(days=1))
    rows = (
        Request.objects.filter(b.subtree("community__path"))
        .exclude(state=State.TRANSFERRED)
        .filter(
            Q(deadline__gte=b.start, deadline__lte=b.end)
            | Q(done_on__gte=b.start, done_on__lte=b.end)
        )
        .annotate(community_path=F("community__path"))
        .order_by("deadline", "pk")
        .only("pk", "received_on", "deadline", "done_on", "category", "community_id")
    )
    sink = b.sink()
    detail = url_of("servicedesk:detail")
    for r in rows:
        owner = b.owner(r.community_path)
        if owner is None:
            continue
        done = r.done_on if r.done_on is not None and r.done_on <= b.end else None
        if done is None:
            if r.deadline >= cutoff:
                continue  # still in time
            ok = False
        else:
            late = (done - r.deadline).days
            ok = late <= 0
        if not sink.count(owner, ok):
            continue
        if done is None:
            note = f"时限 {_cn(r.deadline)}，逾期未办结"
        else:
            note = f"时限 {_cn(r.deadline)}，{_cn(done)} 办结" + (
                f"，超时 {late} 天" if late > 0 else ""
            )
        sink.add(
            owner,
            Record(
                label=f"{r.number} {r.category_label}",
                ok=ok,
                url=detail(r.pk),
                note=note,
                day=r.deadline,
            ),
        )
    return {
        ctx.community.pk: sink.measure("residents.requests", ctx.community.pk, _period_note(ctx))
        for ctx in b.ctxs
    }


# ---- residents.satisfaction ----------------------------------------------------------------------
def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def _source(many: Callable[[Batch, Sink], None]):  # noqa: ANN202
    """A source of ratings that reads every community of a batch at once and counts each rating
    in a :class:`Sink` (with its record when the records are wanted); given one community's
    :class:`Ctx` it answers that community's records (a batch of one)."""

    def source(at: Ctx | Batch, sink: Sink | None = None) -> Any:
        if isinstance(at, Ctx):
            b = Batch([at])
            sink = b.sink()
            many(b, sink)
            return sink.records[at.community.pk]
        assert sink is not None
        return many(at, sink)

    source.batched = True
    source.__name__ = many.__name__
    source.__doc__ = many.__doc__
    return source


@_source
def request_ratings(b: Batch, sink: Sink) -> None:
    """Ratings of each community's service requests given in the year (the 评价 step)."""
    from django.db.models import F

    from dangjian.servicedesk.models import Step

    steps = (
        Step.objects.filter(
            b.subtree("request__community__path"),
            action="rate",
            at__date__gte=b.start,
            at__date__lte=b.end,
            request__satisfaction__isnull=False,
        )
        .annotate(community_path=F("request__community__path"))
        .select_related("request")
        .order_by("at", "pk")
    )
    thresholds = {c.pk: satisfied_from(c) for c in b.communities}
    detail = url_of("servicedesk:detail")
    for s in steps:
        r = s.request
        owner = b.owner(s.community_path)
        if owner is None or not sink.count(owner, r.satisfaction >= thresholds[owner]):
            continue
        who = "居民自评" if r.rated_by_resident else "回访记录"
        sink.add(
            owner,
            Record(
                label=f"工单 {r.number} {r.category_label}",
                ok=r.satisfaction >= thresholds[owner],
                url=detail(r.pk),
                note=f"满意度 {r.satisfaction}/5（{who}）",
                day=_local_day(s.at),
            ),
        )


@_source
def commitment_ratings(b: Batch, sink: Sink) -> None:
    """Residents' ratings (居民评议) of each community's members' commitments given in the
    year."""
    from django.db.models import F

    from dangjian.commitments.models import Rating, Tier

    basics = {c.pk: rules.value("commitment.evaluation", "basic", org=c) for c in b.communities}
    ratings = (
        Rating.objects.filter(
            b.subtree("commitment__org__path"),
            tier=Tier.RESIDENT,
            voided_at__isnull=True,
            at__date__gte=b.start,
            at__date__lte=b.end,
        )
        .annotate(org_path=F("commitment__org__path"))
        .select_related("commitment__member")
        .order_by("at", "pk")
    )
    detail = url_of("commitments:detail")
    for rt in ratings:
        owner = b.owner(rt.org_path)
        if owner is None:
            continue
        basic = basics[owner]
        if not sink.count(owner, rt.score >= basic):
            continue
        c = rt.commitment
        sink.add(
            owner,
            Record(
                label=f"承诺 {c.member.name}：{c.title}",
                ok=rt.score >= basic,
                url=detail(c.pk),
                note=f"居民评议 {rt.score} 分（{basic} 分以上为满意或基本满意）",
                day=_local_day(rt.at),
            ),
        )


def _item_url(item) -> str:  # noqa: ANN001
    """The item's management page if there is one, else its page on the public board."""
    try:
        return reverse("openness:item", args=[item.pk])
    except NoReverseMatch:
        pass
    try:
        board = item.community.public_board
    except ObjectDoesNotExist:
        return ""
    try:
        return reverse("open:item", args=[board.slug, item.pk])
    except NoReverseMatch:
        return ""


@_source
def item_ratings(b: Batch, sink: Sink) -> None:
    """Residents' ratings (扫码评价) of the activities and services each community published on
    its public board, given in the year (1–5, as on a service request)."""
    from dangjian.openness.models import ItemRating

    thresholds = {c.pk: satisfied_from(c) for c in b.communities}
    ratings = (
        ItemRating.objects.counted()
        .filter(
            b.subtree("item__community__path"),
            at__date__gte=b.start,
            at__date__lte=b.end,
        )
        .select_related("item__community__public_board")
        .order_by("at", "pk")
    )
    for rt in ratings:
        owner = b.owner(rt.item.community.path)
        if owner is None or not sink.count(owner, rt.score >= thresholds[owner]):
            continue
        sink.add(
            owner,
            Record(
                label=f"公开活动 {rt.item.title}",
                ok=rt.score >= thresholds[owner],
                url=_item_url(rt.item),
                note=f"满意度 {rt.score}/5（居民扫码评价）",
                day=_local_day(rt.at),
            ),
        )


#: Where residents' ratings come from: each takes a community's context and returns its
#: records; those made with ``_source`` also take a batch and a :class:`Sink` and count each
#: community's ratings in it.
SOURCES: list[Callable[[Any], Any]] = [
    request_ratings,
    commitment_ratings,
    item_ratings,
]


def measure_satisfaction(b: Batch) -> dict[int, Measure]:
    sink = b.sink()
    for source in SOURCES:
        if getattr(source, "batched", False):
            source(b, sink)
        else:
            for ctx in b.ctxs:
                pk = ctx.community.pk
                for r in source(ctx):
                    if sink.count(pk, r.ok, r.points, r.out_of):
                        sink.add(pk, r)
    out = {}
    for ctx in b.ctxs:
        start = ctx.start
        out[ctx.community.pk] = sink.measure(
            "residents.satisfaction",
            ctx.community.pk,
            _period_note(ctx),
            sort=lambda r, start=start: r.day or start,
        )
    return out


INDICATORS: list[Indicator] = [
    Indicator(
        key="residents.requests",
        good=Good.RESIDENTS,
        title="工单按时办结",
        explain="当年到期或当年办结的便民服务工单中，在办理时限内办结的比例（转办的工单不计）。",
        many=measure_requests,
        unit="件",
    ),
    Indicator(
        key="residents.satisfaction",
        good=Good.RESIDENTS,
        title="居民满意度",
        explain="当年居民对本社区服务的评价中“满意”或“基本满意”的比例：便民服务工单的满意度评价"
        "（规则 assess.satisfied 的分数线以上，默认 3 分“基本满意”）、居民扫码对公开活动和服务的评价"
        "（同一分数线）和居民对党员承诺的评议（基本合格线以上）；作废的评价不计。",
        many=measure_satisfaction,
        unit="次",
    ),
]
