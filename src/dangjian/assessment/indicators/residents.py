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
  One query per source. Residents' ratings of the activities and services the community
  published on its public board (党务居务公开, ``openness``; 1–5 as on a service request, a
  voided rating does not count) are a source too, judged by the same line as a service request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.access import subtree_q

from .base import Ctx, Good, Indicator, Measure, Record


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
def measure_requests(ctx: Ctx) -> Measure:
    from django.db.models import Q

    from dangjian.servicedesk.models import Request, State

    # Open after the deadline is overdue (servicedesk.selectors.overdue_q with "today" the day
    # after ctx.end once the year is over, today while it runs).
    cutoff = min(ctx.today, ctx.end + dt.timedelta(days=1))
    rows = (
        Request.objects.filter(subtree_q("community__path", ctx.community.path))
        .exclude(state=State.TRANSFERRED)
        .filter(
            Q(deadline__gte=ctx.start, deadline__lte=ctx.end)
            | Q(done_on__gte=ctx.start, done_on__lte=ctx.end)
        )
        .order_by("deadline", "pk")
        .only("pk", "received_on", "deadline", "done_on", "category", "community_id")
    )
    records = []
    for r in rows:
        done = r.done_on if r.done_on is not None and r.done_on <= ctx.end else None
        if done is None:
            if r.deadline >= cutoff:
                continue  # still in time
            ok, note = False, f"时限 {_cn(r.deadline)}，逾期未办结"
        else:
            late = (done - r.deadline).days
            ok = late <= 0
            note = f"时限 {_cn(r.deadline)}，{_cn(done)} 办结" + (
                f"，超时 {late} 天" if late > 0 else ""
            )
        records.append(
            Record(
                label=f"{r.number} {r.category_label}",
                ok=ok,
                url=reverse("servicedesk:detail", args=[r.pk]),
                note=note,
                day=r.deadline,
            )
        )
    return Measure(key="residents.requests", records=records, note=_period_note(ctx))


# ---- residents.satisfaction ----------------------------------------------------------------------
def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()


def request_ratings(ctx: Ctx) -> list[Record]:
    """Ratings of the community's service requests given in the year (the 评价 step)."""
    from dangjian.servicedesk.models import Step

    steps = (
        Step.objects.filter(
            subtree_q("request__community__path", ctx.community.path),
            action="rate",
            at__date__gte=ctx.start,
            at__date__lte=ctx.end,
            request__satisfaction__isnull=False,
        )
        .select_related("request")
        .order_by("at", "pk")
    )
    threshold = satisfied_from(ctx.community)
    out = []
    for s in steps:
        r = s.request
        who = "居民自评" if r.rated_by_resident else "回访记录"
        out.append(
            Record(
                label=f"工单 {r.number} {r.category_label}",
                ok=r.satisfaction >= threshold,
                url=reverse("servicedesk:detail", args=[r.pk]),
                note=f"满意度 {r.satisfaction}/5（{who}）",
                day=_local_day(s.at),
            )
        )
    return out


def commitment_ratings(ctx: Ctx) -> list[Record]:
    """Residents' ratings (居民评议) of the community's members' commitments given in the year."""
    from dangjian.commitments.models import Rating, Tier

    basic = rules.value("commitment.evaluation", "basic", org=ctx.community)
    ratings = (
        Rating.objects.filter(
            subtree_q("commitment__org__path", ctx.community.path),
            tier=Tier.RESIDENT,
            voided_at__isnull=True,
            at__date__gte=ctx.start,
            at__date__lte=ctx.end,
        )
        .select_related("commitment__member")
        .order_by("at", "pk")
    )
    out = []
    for rt in ratings:
        c = rt.commitment
        out.append(
            Record(
                label=f"承诺 {c.member.name}：{c.title}",
                ok=rt.score >= basic,
                url=reverse("commitments:detail", args=[c.pk]),
                note=f"居民评议 {rt.score} 分（{basic} 分以上为满意或基本满意）",
                day=_local_day(rt.at),
            )
        )
    return out


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


def item_ratings(ctx: Ctx) -> list[Record]:
    """Residents' ratings (扫码评价) of the activities and services the community published on
    its public board, given in the year (1–5, as on a service request)."""
    from dangjian.openness.models import ItemRating

    threshold = satisfied_from(ctx.community)
    ratings = (
        ItemRating.objects.counted()
        .filter(
            subtree_q("item__community__path", ctx.community.path),
            at__date__gte=ctx.start,
            at__date__lte=ctx.end,
        )
        .select_related("item__community__public_board")
        .order_by("at", "pk")
    )
    return [
        Record(
            label=f"公开活动 {rt.item.title}",
            ok=rt.score >= threshold,
            url=_item_url(rt.item),
            note=f"满意度 {rt.score}/5（居民扫码评价）",
            day=_local_day(rt.at),
        )
        for rt in ratings
    ]


#: Where residents' ratings come from: each takes the context and returns its records.
SOURCES: list[Callable[[Ctx], list[Record]]] = [
    request_ratings,
    commitment_ratings,
    item_ratings,
]


def measure_satisfaction(ctx: Ctx) -> Measure:
    records: list[Record] = []
    for source in SOURCES:
        records.extend(source(ctx))
    records.sort(key=lambda r: r.day or ctx.start)
    return Measure(key="residents.satisfaction", records=records, note=_period_note(ctx))


INDICATORS: list[Indicator] = [
    Indicator(
        key="residents.requests",
        good=Good.RESIDENTS,
        title="工单按时办结",
        explain="当年到期或当年办结的便民服务工单中，在办理时限内办结的比例（转办的工单不计）。",
        measure=measure_requests,
        unit="件",
    ),
    Indicator(
        key="residents.satisfaction",
        good=Good.RESIDENTS,
        title="居民满意度",
        explain="当年居民对本社区服务的评价中“满意”或“基本满意”的比例：便民服务工单的满意度评价"
        "（规则 assess.satisfied 的分数线以上，默认 3 分“基本满意”）、居民扫码对公开活动和服务的评价"
        "（同一分数线）和居民对党员承诺的评议（基本合格线以上）；作废的评价不计。",
        measure=measure_satisfaction,
        unit="次",
    ),
]
