"""API: grid areas with their figures — residents, households, current cadres and liaisons, and
the rules they fall short of. Scoped like the pages: a changing grant on the community, or the
area's own cadre; anything else is a 404, the same as a missing area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from dangjian.orgs.models import Organisation

from . import selectors_areas as sel

router = Router()


class PersonOut(Schema):
    id: int
    role: str
    name: str
    since: dt.date
    until: dt.date | None = None


class ShortfallOut(Schema):
    kind: str
    rule_id: str
    rule_title: str
    source: str
    have: int
    need: int
    uncovered: int
    text: str


class AreaOut(Schema):
    id: int
    name: str
    community_id: int
    community: str
    residents: int
    households: int
    cadres: list[PersonOut]
    liaisons: list[PersonOut]
    residents_per_cadre: int | None
    cadres_needed: int
    liaisons_needed: int
    shortfalls: list[ShortfallOut]


def _person(d: Any) -> dict:
    return {"id": d.pk, "role": d.role, "name": d.name, "since": d.since, "until": d.until}


def _out(f: sel.AreaFigures) -> dict:
    return {
        "id": f.area.pk,
        "name": f.area.name,
        "community_id": f.area.community_id,
        "community": f.area.community.name,
        "residents": f.residents,
        "households": f.households,
        "cadres": [_person(d) for d in f.cadres],
        "liaisons": [_person(d) for d in f.liaisons],
        "residents_per_cadre": f.residents_per_cadre,
        "cadres_needed": f.cadres_needed,
        "liaisons_needed": f.liaisons_needed,
        "shortfalls": [s.__dict__ for s in f.shortfalls],
    }


class _Figured:
    """The areas, paged by the database, each page's figures in a fixed number of queries."""

    def __init__(self, qs: Any) -> None:
        self.today = timezone.localdate()
        self.qs = sel.with_figures(qs.select_related("community"), on=self.today)

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict]:
        return [_out(f) for f in sel.figures(list(self.qs[key]), on=self.today)]


@router.get("/", response=list[AreaOut])
@paginate(LimitOffsetPagination)
def list_areas(request: HttpRequest, org: int | None = None, short: bool = False):
    """网格/片区一览：居民、户数、现任包片干部和社情联络员、不达标的规则（按社区、街道筛选）。"""
    scope_org = None
    if org is not None:
        scope_org = Organisation.objects.filter(pk=org).first()
        if scope_org is None or not sel.reaches_org(user=request.auth, org=scope_org):
            raise HttpError(404, _("未找到该组织，或您无权查看。"))
    qs = sel.area_list(user=request.auth, org=scope_org)
    if short:
        today = timezone.localdate()
        ids = [f.area.pk for f in sel.figures(qs, on=today, people=False) if f.short]
        qs = qs.filter(pk__in=ids)
    return _Figured(qs)


@router.get("/{area_id}", response=AreaOut)
def get_area(request: HttpRequest, area_id: int):
    """一个网格/片区的情况。"""
    qs = sel.area_list(user=request.auth).filter(pk=area_id)
    rows = sel.figures(qs, on=timezone.localdate())
    if not rows:
        raise HttpError(404, _("未找到该片区，或您无权查看。"))
    return _out(rows[0])
