"""The dashboard through the API: the same figures as the page, chart by chart, as JSON.

A wide organisation's figures (a county: :mod:`.snapshots`) are those kept by the worker, as on
the page, with ``as_of`` the time they were counted (a build is queued when they are missing or
old, as a page visit does); until the first build is done they are counted in the request.
``as_of`` is ``null`` for figures counted in the request."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from . import charts, selectors, snapshots
from .views import year_from

router = Router(tags=["数据看板"])


class OrgOut(Schema):
    id: int
    name: str
    kind: str


class RowOut(Schema):
    label: str
    org_id: int | None
    values: list[int]
    total: int


class ChartOut(Schema):
    key: str
    title: str
    kind: str
    unit: str
    series: list[str]
    rows: list[RowOut]


class DashboardOut(Schema):
    org: OrgOut
    year: int
    on: dt.date
    as_of: dt.datetime | None = None
    members: int
    children: list[OrgOut]
    charts: list[ChartOut]


def _org(o) -> OrgOut:
    return OrgOut(id=o.pk, name=o.name, kind=o.kind)


@router.get("/", response=DashboardOut)
def dashboard(request, org: int | None = None, year: int | None = None):
    """Figures of an organisation's subtree for a year, broken down by the organisations right
    below it (404 for one the caller may not see; the caller's top organisation by default)."""
    found = selectors.org_for(user=request.auth, raw="" if org is None else str(org))
    year = year_from(year)
    as_of, d = None, None
    if snapshots.served_from_snapshot(found):
        kept = snapshots.for_page(user=request.auth, org=found, year=year)
        as_of, d = kept.built_at, kept.dashboard
    if d is None:
        as_of = None
        d = selectors.dashboard(user=request.auth, org=found, year=year, today=timezone.localdate())
    return DashboardOut(
        org=_org(d.org),
        year=d.year,
        on=d.on,
        as_of=as_of,
        members=d.members,
        children=[_org(c) for c in d.children],
        charts=[
            ChartOut(
                key=c.key,
                title=c.title,
                kind=c.kind,
                unit=c.unit,
                series=c.series,
                rows=[
                    RowOut(label=r.label, org_id=r.org_id, values=r.values, total=r.total)
                    for r in c.rows
                ],
            )
            for c in charts.charts(d)
        ],
    )
