"""Indicators of 工作业绩好 (results): co-building stars, grid visits, cases closed on time, and
households in difficulty paired with a member.

Each reads the community's records through the selector of the app that owns them (nothing is
counted twice) and returns every record it counted with a link to that record's own page, so the
drill-down adds up to the figure. Every number comes from the rules table with the community's
local overrides. Each indicator runs a fixed number of queries whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse

from dangjian.core import rules

from .base import Ctx, Good, Indicator, Measure, Record


# ---- 共驻共建星级 ------------------------------------------------------------------------------
def cobuild(ctx: Ctx) -> Measure:
    """Each resident unit of the community, rated this year: its decided stars (else the stars the
    system proposes, marked 建议) out of the rule's maximum; met from ``good_from`` stars."""
    from dangjian.cobuild.selectors import standings

    top = int(rules.value("cobuild.stars", "max", org=ctx.community))
    good_from = int(rules.value("cobuild.stars", "good_from", org=ctx.community))
    records = []
    for s in standings(user=ctx.user, community=ctx.community, year=ctx.year):
        if s.decided is not None:
            stars, note = s.decided.stars, f"评定 {s.decided.stars} 星"
            day = s.decided.decided_on
        else:
            stars, note, day = s.proposal.stars, f"建议 {s.proposal.stars} 星（尚未评定）", None
        records.append(
            Record(
                label=s.unit.name,
                ok=stars >= good_from,
                url=reverse("cobuild:unit", args=[s.unit.pk]),
                note=f"{note}；{good_from} 星及以上为达标",
                day=day,
                points=stars,
                out_of=top,
            )
        )
    records.sort(key=lambda r: r.label)
    return Measure(
        key="results.cobuild",
        records=records,
        note=f"{ctx.year} 年星光榜，满分 {top} 星",
    )


# ---- 片区走访 ----------------------------------------------------------------------------------
def grid_visits(ctx: Ctx) -> Measure:
    """Each area (片区/网格) of the community and each period of the rule ``grid.area_visits``
    that ended by ``ctx.end``: met when the area was visited as often as the rule asks."""
    from dangjian.grid.selectors_visits import coverage

    cov = coverage(user=ctx.user, community=ctx.community, year=ctx.year, today=ctx.end)
    base = reverse("grid:visit_list")
    records = []
    for row in cov.rows:
        for cell in row.cells:
            if cell.period.end > ctx.end:
                continue  # not due yet
            query = {"org": ctx.community.pk, "area": row.area.pk}
            if cell.period.start.month == cell.period.end.month:
                query["month"] = f"{cell.period.start:%Y-%m}"
            records.append(
                Record(
                    label=f"{row.area.name} {cell.period.label}",
                    ok=cell.visits >= cov.required,
                    url=f"{base}?{urlencode(query)}",
                    note=f"走访 {cell.visits} 次（{cell.households} 户），应不少于 {cov.required} 次",
                    day=cell.period.end,
                )
            )
    return Measure(
        key="results.grid_visits",
        records=records,
        note=f"按截至 {ctx.end:%Y-%m-%d} 已结束的各期计",
    )


# ---- 矛盾纠纷按时办结 ----------------------------------------------------------------------------
def cases(ctx: Ctx) -> Measure:
    """Each petition or mediation case of the community whose deadline fell in the year (up to
    ``ctx.end``) or that was closed in it: met when closed by its deadline — the deadline the case
    was given when received (受理之日 plus the days of rule ``grid.case_deadline`` then), the same
    one the case ledger and the 待办 judge it by, so the figure and those pages agree."""
    from django.db.models import Q

    from dangjian.mediation.models import Kind
    from dangjian.mediation.selectors import cases as cases_of

    days = {k: int(rules.value("grid.case_deadline", k, org=ctx.community)) for k in Kind.values}
    qs = cases_of(user=ctx.user, today=ctx.end, org=ctx.community).filter(
        Q(deadline__gte=ctx.start, deadline__lte=ctx.end)
        | Q(closed_on__gte=ctx.start, closed_on__lte=ctx.end),
        received_on__lte=ctx.end,
    )
    records = []
    for case in qs.order_by("received_on", "pk"):
        deadline = case.deadline
        closed = case.closed_on if case.closed_on and case.closed_on <= ctx.end else None
        in_year = ctx.start <= deadline <= ctx.end or closed is not None and closed >= ctx.start
        if not in_year:
            continue  # due in another year, or not due yet
        ok = closed is not None and closed <= deadline
        if closed is None:
            note = f"未办结，时限 {deadline:%Y-%m-%d}"
        elif ok:
            note = f"{closed:%Y-%m-%d} 办结，时限 {deadline:%Y-%m-%d}"
        else:
            note = f"{closed:%Y-%m-%d} 办结，超过时限 {deadline:%Y-%m-%d}"
        records.append(
            Record(
                label=f"{case.number} {case.get_kind_display()}",
                ok=ok,
                url=reverse("mediation:detail", args=[case.pk]),
                note=note,
                day=closed or deadline,
            )
        )
    return Measure(
        key="results.cases",
        records=records,
        note=f"信访 {days[Kind.PETITION]} 日、调解 {days[Kind.MEDIATION]} 日内办结为按时",
    )


# ---- 困难家庭结对 ------------------------------------------------------------------------------
def households(ctx: Ctx) -> Measure:
    """Each household on the community's register of households in difficulty at some time in the
    year: met when, on ``ctx.end`` (or the day its last difficulty ended, if earlier), it had at
    least ``households.pairing`` ``min_members`` active pairings with checked-in members."""
    from dangjian.checkin.models import Pairing
    from dangjian.households.selectors import register, register_households

    need = int(rules.value("households.pairing", "min_members", org=ctx.community))
    filters = {"user": ctx.user, "community": ctx.community, "active": None}
    homes = list(register_households(**filters, start=ctx.start, end=ctx.end))
    ends: dict[int, dt.date | None] = {h.pk: None for h in homes}
    open_ = set()
    for hid, until in (
        register(**filters, start=ctx.start, end=ctx.end)
        .values_list("household_id", "until")
        .order_by()
    ):
        if until is None or until > ctx.end:
            open_.add(hid)
        elif ends[hid] is None or until > ends[hid]:
            ends[hid] = until
    pairings = defaultdict(list)
    for hid, since, until, ended in Pairing.objects.filter(
        household_id__in=list(ends), since__lte=ctx.end
    ).values_list("household_id", "since", "until", "checkin__ended_on"):
        pairings[hid].append((since, until, ended))
    records = []
    for h in homes:
        on = ctx.end if h.pk in open_ or ends[h.pk] is None else ends[h.pk]
        n = sum(
            1
            for since, until, ended in pairings[h.pk]
            if since <= on and (until is None or until >= on) and (ended is None or ended >= on)
        )
        records.append(
            Record(
                label=_place_label(h),
                ok=n >= need,
                url=reverse("households:detail", args=[h.pk]),
                note=f"{on:%Y-%m-%d} 有结对党员 {n} 名，应不少于 {need} 名",
                day=on,
            )
        )
    return Measure(
        key="results.households",
        records=records,
        note=f"按 {ctx.end:%Y-%m-%d} 的结对情况计",
    )


def _place_label(h) -> str:  # noqa: ANN001
    """Grid / building / corridor / household (``parent__parent__parent`` selected)."""
    names = [h.name]
    p = h.parent
    while p is not None and len(names) < 4 and p.kind != "community":
        names.append(p.name)
        p = p.parent if len(names) < 4 else None
    return " / ".join(reversed(names))


INDICATORS: list[Indicator] = [
    Indicator(
        key="results.cobuild",
        good=Good.RESULTS,
        title="共驻共建星级",
        explain="社区每个驻区单位当年的星光榜星级（已评定的按评定，未评定的按系统建议），"
        "星级之和占满星之和的比例；达到规定星级的单位为达标。",
        measure=cobuild,
        unit="个单位",
    ),
    Indicator(
        key="results.grid_visits",
        good=Good.RESULTS,
        title="片区走访",
        explain="每个片区在已结束的每个月按规定次数走访的比例。",
        measure=grid_visits,
        unit="片区·月",
    ),
    Indicator(
        key="results.cases",
        good=Good.RESULTS,
        title="矛盾纠纷按时办结",
        explain="办理时限在本年内到期或在本年内了结的信访、调解案件中，在时限内了结的比例。",
        measure=cases,
        unit="件",
    ),
    Indicator(
        key="results.households",
        good=Good.RESULTS,
        title="困难家庭结对",
        explain="本年在困难家庭台帐中的每一户，有规定人数在职党员结对帮扶的比例。",
        measure=households,
        unit="户",
    ),
]
