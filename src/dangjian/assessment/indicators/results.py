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

from .base import Batch, Ctx, Good, Indicator, Measure, Record, Sink, url_of


# ---- 共驻共建星级 ------------------------------------------------------------------------------
def cobuild(b: Batch) -> dict[int, Measure]:
    """Each resident unit of each community (its own, or one it also serves, as the star list
    lists them), rated this year: its decided stars (else the stars the system proposes, marked
    建议) out of the rule's maximum; met from ``good_from`` stars. The star list's own reads
    (``cobuild.selectors``: the units, ``year_counts``, the decided ratings) for every community
    at once."""
    from dangjian.cobuild import stars as star_rules
    from dangjian.cobuild.models import StarRating
    from dangjian.cobuild.selectors import _numbers, year_counts
    from dangjian.orgs.models import ResidentUnit

    units = list(
        ResidentUnit.objects.visible_to(b.user)
        .filter(b.subtree("community__path") | b.subtree("also_in__path"))
        .distinct()
        .select_related("community", "party_org")
        .order_by("community__path", "name")
    )
    where: dict[int, set[int]] = defaultdict(set)  # unit → the communities it is counted in
    for pk, path, also in ResidentUnit.objects.filter(pk__in=[u.pk for u in units]).values_list(
        "pk", "community__path", "also_in__path"
    ):
        for p in (path, also):
            owner = b.owner(p) if p else None
            if owner is not None:
                where[pk].add(owner)
    counts = year_counts(units, b.year) if units else {}
    decided = {s.unit_id: s for s in StarRating.objects.filter(unit__in=units, year=b.year)}
    out = {}
    detail = url_of("cobuild:unit")
    sink = b.sink()
    for ctx in b.ctxs:
        community = ctx.community
        top = int(rules.value("cobuild.stars", "max", org=community))
        good_from = int(rules.value("cobuild.stars", "good_from", org=community))
        numbers = _numbers(community)
        for u in units:
            if community.pk not in where[u.pk]:
                continue
            rating = decided.get(u.pk)
            if rating is not None:
                stars, note = rating.stars, f"评定 {rating.stars} 星"
                day = rating.decided_on
            else:
                proposal = star_rules.propose(counts[u.pk], numbers)
                stars, note, day = proposal.stars, f"建议 {proposal.stars} 星（尚未评定）", None
            if sink.count(community.pk, stars >= good_from, stars, top):
                sink.add(
                    community.pk,
                    Record(
                        label=u.name,
                        ok=stars >= good_from,
                        url=detail(u.pk),
                        note=f"{note}；{good_from} 星及以上为达标",
                        day=day,
                        points=stars,
                        out_of=top,
                    ),
                )
        out[community.pk] = sink.measure(
            "results.cobuild",
            community.pk,
            f"{ctx.year} 年星光榜，满分 {top} 星",
            sort=lambda r: r.label,
        )
    return out


# ---- 片区走访 ----------------------------------------------------------------------------------
def _visit_records(ctx: Ctx, area, required: int, cells, sink: Sink) -> None:  # noqa: ANN001
    """Counts the records of one area in ``sink``: ``cells`` are (period, visits, households)."""
    base = reverse("grid:visit_list") if sink.full else ""
    pk = ctx.community.pk
    for period, visits, households in cells:
        if period.end > ctx.end:
            continue  # not due yet
        if not sink.count(pk, visits >= required):
            continue
        query = {"org": ctx.community.pk, "area": area.pk}
        if period.start.month == period.end.month:
            query["month"] = f"{period.start:%Y-%m}"
        sink.add(
            pk,
            Record(
                label=f"{area.name} {period.label}",
                ok=visits >= required,
                url=f"{base}?{urlencode(query)}",
                note=f"走访 {visits} 次（{households} 户），应不少于 {required} 次",
                day=period.end,
            ),
        )


def _grid_visits_one(ctx: Ctx, sink: Sink) -> None:
    """One community through the visits page's own coverage (``grid.selectors_visits``)."""
    from dangjian.grid.selectors_visits import coverage

    cov = coverage(user=ctx.user, community=ctx.community, year=ctx.year, today=ctx.end)
    for row in cov.rows:
        cells = [(c.period, c.visits, c.households) for c in row.cells]
        _visit_records(ctx, row.area, cov.required, cells, sink)


def grid_visits(b: Batch) -> dict[int, Measure]:
    """Each area (片区/网格) of each community and each period of the rule ``grid.area_visits``
    that ended by ``end``: met when the area was visited as often as the rule asks — counted as
    the visits page's coverage counts them (``grid.selectors_visits.coverage``), for every
    community in two queries (the areas' shared with the coverage indicator)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractMonth, Substr

    from dangjian.grid.models import Visit
    from dangjian.meetings.cadence import MONTH, period_of, periods_in
    from dangjian.orgs.models import PlaceKind

    from .mechanism import community_places

    # the areas (grid.services.places_reached for the system user, who reaches every place), read
    # with the buildings and corridors of the coverage indicator
    areas = [p for p in community_places(b) if p.kind == PlaceKind.GRID]
    widths = {len(a.path) for a in areas}
    sink = b.sink()
    if len(widths) > 1:  # grids of different depths: each community on its own
        for ctx in b.ctxs:
            _grid_visits_one(ctx, sink)
    elif areas:
        (width,) = widths
        # (month, visits, households) of each area, looked up by the area's path
        per_month: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for row in (
            Visit.objects.visible_to(b.user)
            .filter(household__community__in=b.pks, visited_on__year=b.year, visited_on__lte=b.end)
            .annotate(area_path=Substr("household__path", 1, width), m=ExtractMonth("visited_on"))
            .order_by()
            .values("area_path", "m")
            .annotate(n=Count("pk"), hh=Count("household_id", distinct=True))
        ):
            per_month[row["area_path"]].append((row["m"], row["n"], row["hh"]))
        for ctx in b.ctxs:
            community = ctx.community
            required = int(rules.value("grid.area_visits", "min_count", org=community))
            kind = str(rules.value("grid.area_visits", "period", org=community) or MONTH)
            periods = periods_in(b.year, kind)
            for area in (a for a in areas if a.community_id == community.pk):
                per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
                for m, n, hh in per_month.get(area.path, ()):
                    cell = per[period_of(dt.date(b.year, m, 1), kind).key]
                    cell[0] += n
                    cell[1] += hh  # exact for monthly periods; a sum otherwise (as the page)
                cells = [(p, *per.get(p.key, (0, 0))) for p in periods]
                _visit_records(ctx, area, required, cells, sink)
    return {
        ctx.community.pk: sink.measure(
            "results.grid_visits", ctx.community.pk, f"按截至 {ctx.end:%Y-%m-%d} 已结束的各期计"
        )
        for ctx in b.ctxs
    }


# ---- 矛盾纠纷按时办结 ----------------------------------------------------------------------------
def cases(b: Batch) -> dict[int, Measure]:
    """Each petition or mediation case of each community whose deadline fell in the year (up to
    ``end``) or that was closed in it: met when closed by its deadline — the deadline the case
    was given when received (受理之日 plus the days of rule ``grid.case_deadline`` then), the same
    one the case ledger and the 待办 judge it by, so the figure and those pages agree. One query
    for any number of communities."""
    from django.db.models import Q

    from dangjian.mediation.models import Kind
    from dangjian.mediation.selectors import cases as cases_of

    sink = b.sink()
    detail = url_of("mediation:detail")
    roots = [b.root] if b.root is not None else b.communities
    for root in roots:
        qs = cases_of(user=b.user, today=b.end, org=root).filter(
            Q(deadline__gte=b.start, deadline__lte=b.end)
            | Q(closed_on__gte=b.start, closed_on__lte=b.end),
            received_on__lte=b.end,
        )
        for case in qs.order_by("received_on", "pk"):
            owner = b.owner(case.community.path)
            if owner is None:
                continue
            deadline = case.deadline
            closed = case.closed_on if case.closed_on and case.closed_on <= b.end else None
            in_year = b.start <= deadline <= b.end or closed is not None and closed >= b.start
            if not in_year:
                continue  # due in another year, or not due yet
            ok = closed is not None and closed <= deadline
            if not sink.count(owner, ok):
                continue
            if closed is None:
                note = f"未办结，时限 {deadline:%Y-%m-%d}"
            elif ok:
                note = f"{closed:%Y-%m-%d} 办结，时限 {deadline:%Y-%m-%d}"
            else:
                note = f"{closed:%Y-%m-%d} 办结，超过时限 {deadline:%Y-%m-%d}"
            sink.add(
                owner,
                Record(
                    label=f"{case.number} {case.get_kind_display()}",
                    ok=ok,
                    url=detail(case.pk),
                    note=note,
                    day=closed or deadline,
                ),
            )
    out = {}
    for ctx in b.ctxs:
        days = {
            k: int(rules.value("grid.case_deadline", k, org=ctx.community)) for k in Kind.values
        }
        out[ctx.community.pk] = sink.measure(
            "results.cases",
            ctx.community.pk,
            f"信访 {days[Kind.PETITION]} 日、调解 {days[Kind.MEDIATION]} 日内办结为按时",
        )
    return out


# ---- 困难家庭结对 ------------------------------------------------------------------------------
def households(b: Batch) -> dict[int, Measure]:
    """Each household on each community's register of households in difficulty at some time in
    the year: met when, on ``end`` (or the day its last difficulty ended, if earlier), it had at
    least ``households.pairing`` ``min_members`` active pairings with checked-in members. Three
    queries for any number of communities."""
    from dangjian.checkin.models import Pairing
    from dangjian.households.selectors import register, register_households

    homes: list = []
    ends: dict[int, dt.date | None] = {}
    open_ = set()
    roots = [b.root] if b.root is not None else b.communities
    for root in roots:
        filters = {"user": b.user, "community": root, "active": None}
        found = [
            h
            for h in register_households(**filters, start=b.start, end=b.end)
            if b.owner(h.community.path) is not None
        ]
        homes += found
        ends.update({h.pk: None for h in found})
        for hid, until in (
            register(**filters, start=b.start, end=b.end)
            .values_list("household_id", "until")
            .order_by()
        ):
            if hid not in ends:
                continue
            if until is None or until > b.end:
                open_.add(hid)
            elif ends[hid] is None or until > ends[hid]:
                ends[hid] = until
    pairings = defaultdict(list)
    if homes:
        for hid, since, until, ended in Pairing.objects.filter(
            household_id__in=list(ends), since__lte=b.end
        ).values_list("household_id", "since", "until", "checkin__ended_on"):
            pairings[hid].append((since, until, ended))
    sink = b.sink()
    detail = url_of("households:detail")
    needs = {
        c.pk: int(rules.value("households.pairing", "min_members", org=c)) for c in b.communities
    }
    for h in homes:
        owner = b.owner(h.community.path)
        ctx, need = b.by_pk[owner], needs[owner]
        on = ctx.end if h.pk in open_ or ends[h.pk] is None else ends[h.pk]
        n = sum(
            1
            for since, until, ended in pairings[h.pk]
            if since <= on and (until is None or until >= on) and (ended is None or ended >= on)
        )
        if sink.count(owner, n >= need):
            sink.add(
                owner,
                Record(
                    label=_place_label(h),
                    ok=n >= need,
                    url=detail(h.pk),
                    note=f"{on:%Y-%m-%d} 有结对党员 {n} 名，应不少于 {need} 名",
                    day=on,
                ),
            )
    return {
        ctx.community.pk: sink.measure(
            "results.households", ctx.community.pk, f"按 {ctx.end:%Y-%m-%d} 的结对情况计"
        )
        for ctx in b.ctxs
    }


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
        many=cobuild,
        unit="个单位",
    ),
    Indicator(
        key="results.grid_visits",
        good=Good.RESULTS,
        title="片区走访",
        explain="每个片区在已结束的每个月按规定次数走访的比例。",
        many=grid_visits,
        unit="片区·月",
    ),
    Indicator(
        key="results.cases",
        good=Good.RESULTS,
        title="矛盾纠纷按时办结",
        explain="办理时限在本年内到期或在本年内了结的信访、调解案件中，在时限内了结的比例。",
        many=cases,
        unit="件",
    ),
    Indicator(
        key="results.households",
        good=Good.RESULTS,
        title="困难家庭结对",
        explain="本年在困难家庭台帐中的每一户，有规定人数在职党员结对帮扶的比例。",
        many=households,
        unit="户",
    ),
]
