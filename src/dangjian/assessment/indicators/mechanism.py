"""Indicators of 工作机制好: 三会一课 held on time, buildings and corridors covered, the office
and activity funds received (SPEC §1, §3, §9, §10).

Each reads through the code of the page that shows the same judgement — the cadence grid's
evaluation, the coverage page's "covered" test, the funds-against-the-rules report — so a record
and the page it links to always agree, and every number comes from the rules table through them.
Each measures a whole batch of communities in a handful of queries, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import BooleanField, Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.orgs.models import Place, PlaceKind

from .base import Batch, Good, Indicator, Measure, Record, url_of
from .leadership import as_of_note


def _with_query(name: str, **query: object) -> str:
    return reverse(name) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


# ---- mech.cadence ------------------------------------------------------------------------------
def _cadence(b: Batch) -> dict[int, Measure]:
    """Every (organisation, rule, period) of each community's subtree that was due by ``end``:
    the cells of the cadence grid, evaluated exactly as the cadence page evaluates them. A done
    period counts as met; an ended one without the meetings as not met; a period still open (or
    not begun, or not applicable) is left out unless already done. Two queries for any number of
    communities (three with locality overrides)."""
    from dangjian.meetings import cadence as cad
    from dangjian.meetings.selectors import cadence as cadence_sel

    year = b.year
    # a year that is over is judged the day after it ends, so its last month and quarter have
    # ended too; on 31 December itself they are still open, as the cadence page shows them
    over = b.today > b.end
    as_of = b.end + dt.timedelta(days=1) if over else b.end
    sink = b.sink()
    # translated once, not for each of the street's thousands of cells
    held = _("已开 %(n)d 次，应开 %(need)d 次。")
    missed = _("已开 %(n)d 次，应开 %(need)d 次，逾期未开。")
    labels: dict[cad.Period, str] = {}
    cadence_page = reverse("meetings:cadence")
    roots = [b.root] if b.root is not None else b.communities
    for root in roots:
        for org, evaluation in cadence_sel.evaluations_under(
            user=b.user, root=root, year=year, today=as_of
        ):
            owner = b.owner(org.path)
            if owner is None:
                continue  # the street's own organisations: not any community's
            url = f"{cadence_page}?org={org.pk}&year={year}"  # as _with_query, reversed once
            for line in evaluation.lines:
                for cell in line.cells:
                    if cell.status not in (cad.DONE, cad.OVERDUE):
                        continue
                    done = cell.status == cad.DONE
                    if not sink.count(owner, done):
                        continue
                    period = cell.period
                    if period not in labels:
                        labels[period] = period.label
                    sink.add(
                        owner,
                        Record(
                            label=f"{org.name} {year}年{labels[period]} {line.title}",
                            ok=done,
                            url=url,
                            note=(held if done else missed)
                            % {"n": cell.count, "need": line.required},
                            day=period.end,
                        ),
                    )
    out = {}
    for ctx in b.ctxs:
        note = as_of_note(ctx)
        if not over:
            note += _("；本期尚未结束且未开的不计")
        out[ctx.community.pk] = sink.measure("mech.cadence", ctx.community.pk, note)
    return out


# ---- mech.coverage -----------------------------------------------------------------------------
class PlaceRow(NamedTuple):
    """A building, corridor or area (片区/网格) of a community, as :func:`community_places` reads
    it; ``covered`` is the coverage page's test (always false for an area)."""

    pk: int
    kind: str
    name: str
    parent_id: int | None
    community_id: int
    covered: bool
    path: str


def community_places(b: Batch) -> list[PlaceRow]:
    """Every building, corridor and area of the batch's communities in one read, in tree order —
    shared by the coverage (buildings and corridors) and the grid visits (areas), which read the
    same table with different filters. Each building and corridor is tested with an indexed
    look-up of its links (``per_place``): with ``EXISTS`` PostgreSQL hashed every link of the
    city four times; an area's CASE stops at its kind and tests nothing. No join to the parent
    (a corridor's label names its building): PostgreSQL then hashed every place of the city."""
    from dangjian.orgs.selectors.coverage import building_covered, corridor_covered

    def read() -> list[PlaceRow]:
        kinds = [PlaceKind.BUILDING, PlaceKind.CORRIDOR, PlaceKind.GRID]
        rows = (
            Place.objects.filter(community__in=b.pks, kind__in=kinds)
            .annotate(
                covered=Case(
                    When(
                        Q(kind=PlaceKind.BUILDING) & building_covered(per_place=True),
                        then=Value(True),
                    ),
                    When(
                        Q(kind=PlaceKind.CORRIDOR) & corridor_covered(per_place=True),
                        then=Value(True),
                    ),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by("path")
            .values_list("pk", "kind", "name", "parent_id", "community_id", "covered", "path")
        )
        return [PlaceRow(*row) for row in rows]

    return b.shared("places", read)


def _coverage(b: Batch) -> dict[int, Measure]:
    """Each building and corridor of each community, covered or not by the coverage page's own
    test (a building branch or the grid's branch; a corridor group or the building's). One
    query for any number of communities (:func:`community_places`, shared with the grid
    visits)."""
    read = community_places(b)
    places = [p for p in read if p.kind != PlaceKind.GRID]
    names: dict[int, str] = {}  # a corridor's building, for its label
    if not b.counts_only:
        names = {p.pk: p.name for p in read}
        elsewhere = {p.parent_id for p in places if p.parent_id not in names}
        if elsewhere:  # a building the read did not hold (none in a well-kept tree)
            names.update(Place.objects.filter(pk__in=elsewhere).values_list("pk", "name"))
    # translated and reversed once, not for each of a street's hundreds of places
    url = url_of("orgs:place")
    building_label, corridor_label = _("楼栋 %(name)s"), _("楼道 %(name)s")
    notes = {
        (True, True): _("已有党支部覆盖。"),
        (True, False): _("没有党支部覆盖（空白点）。"),
        (False, True): _("已有党小组覆盖。"),
        (False, False): _("没有党小组覆盖（空白点）。"),
    }
    sink = b.sink()
    for pk, kind, name, parent_id, community_id, covered, _path in places:
        building = kind == PlaceKind.BUILDING
        covered = bool(covered)
        if not sink.count(community_id, covered):
            continue
        if building:
            label = building_label % {"name": name}
        else:
            # corridors are often named after their building already ("1号楼1单元")
            parent_name = names[parent_id]
            if not name.startswith(parent_name):
                name = f"{parent_name} {name}"
            label = corridor_label % {"name": name}
        sink.add(
            community_id,
            Record(label=label, ok=covered, url=url(pk), note=notes[(building, covered)]),
        )
    note = _("按当前的楼栋、楼道和组织覆盖情况计")
    return {pk: sink.measure("mech.coverage", pk, note) for pk in b.pks}


# ---- mech.funds --------------------------------------------------------------------------------
def _funds(b: Batch) -> dict[int, Measure]:
    """Each community's office-and-activity funds received that year against
    ``funds.office_activity``: one record, its points the share received (at most 1). Four
    queries for any number of communities."""
    from dangjian.funds.models import Ledger
    from dangjian.funds.selectors import fund_vs_rule

    year = b.year
    with_ledger = set(
        Ledger.objects.filter(org__in=b.pks).values_list("org_id", flat=True).distinct()
    )
    found = {}
    if with_ledger:
        roots = [b.root] if b.root is not None else [c for c in b.communities]
        for root in roots:
            report = fund_vs_rule(user=b.user, org=root, year=year)
            found.update({r.org.pk: r for r in report.rows if r.org.pk in with_ledger})
    out = {}
    sink = b.sink()
    for ctx in b.ctxs:
        community = ctx.community
        row = found.get(community.pk) if community.pk in with_ledger else None
        if row is None:
            ok, share = False, Decimal(0)
        else:
            ok = row.received >= row.required
            share = (
                Decimal(1) if row.required <= 0 else min(row.received, row.required) / row.required
            )
        if sink.count(community.pk, ok, share):
            sink.add(community.pk, _funds_record(community, year, row, ok, share))
        out[community.pk] = sink.measure("mech.funds", community.pk, as_of_note(ctx))
    return out


def _funds_record(community, year: int, row, ok: bool, share: Decimal) -> Record:  # noqa: ANN001
    """The record of one community's funds (``row``: its line of the funds report; ``None``
    when it keeps no ledger)."""
    label = _("%(org)s %(y)d 年办公和活动经费") % {"org": community.name, "y": year}
    if row is None:
        return Record(
            label=label,
            ok=False,
            url=_with_query("funds:home", org=community.pk, year=year),
            note=_("没有收支台帐，无法核对经费是否到位。"),
            points=share,
        )
    params = {
        "got": f"{row.received:,.2f}",
        "need": f"{row.required:,.2f}",
        "short": f"{row.shortfall:,.2f}",
        "type": row.type_label,
    }
    note = (
        _("已拨付 %(got)s 元，%(type)s应不少于 %(need)s 元。")
        if ok
        else _("已拨付 %(got)s 元，%(type)s应不少于 %(need)s 元，缺 %(short)s 元。")
    ) % params
    return Record(
        label=label,
        ok=ok,
        url=_with_query("funds:rules", org=community.pk, year=year),
        note=note,
        points=share,
    )


INDICATORS: list[Indicator] = [
    Indicator(
        key="mech.cadence",
        good=Good.MECHANISM,
        title="三会一课按期",
        explain=(
            "社区党组织及其下属支部、党小组，按规则应开的每一期会议（支部党员大会、支委会、党小组会、"
            "党课、主题党日等，与“按期召开”页同一判断）：按期召开的计为达标，期满未开的计为未达标。"
        ),
        many=_cadence,
        unit="项次",
    ),
    Indicator(
        key="mech.coverage",
        good=Good.MECHANISM,
        title="楼栋、楼道覆盖",
        explain="社区的每个楼栋应有党支部覆盖、每个楼道（单元）应有党小组覆盖，已覆盖的计为达标。",
        many=_coverage,
        unit="处",
    ),
    Indicator(
        key="mech.funds",
        good=Good.MECHANISM,
        title="办公和活动经费",
        explain="当年上级拨付的办公和活动经费对照标准：按到位比例得分，全额到位为达标。",
        many=_funds,
        unit="项",
    ),
]
