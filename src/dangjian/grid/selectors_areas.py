"""Reads of grid areas (片区/网格) and their people (SPEC §8, seed [002] 一人一片、责任到人).

An area is a ``grid`` place of the places tree. Its residents are the sum of ``population`` of the
households below it (entered once, on the household); its people are its current
:class:`~dangjian.grid.models.AreaDuty` rows. Two rules judge it:

* ``grid.residents_per_cadre`` — residents per current cadre at most ``max_residents`` (500: an
  area of 500 residents with one cadre is fine, 501 is short); an area without a cadre is short;
* ``grid.liaisons`` — at least ceil(residents / ``residents_per_liaison``) 社情联络员.

Every function costs a fixed number of queries whatever the number of areas: the areas with their
residents, households and people counted in one query, the names of the people in a second, and —
only when localities override rule numbers — the codes of the communities' ancestors in a third.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation, Place, PlaceKind

from .access import duty_area_paths
from .models import AreaDuty, DutyRole

CADRE_RULE = "grid.residents_per_cadre"
LIAISON_RULE = "grid.liaisons"

#: Sorts after every character of a materialised path (see core.access.subtree_q).
_PATH_END = "~"


@dataclass(frozen=True)
class Shortfall:
    """One rule an area does not meet, with what is missing and where the rule comes from."""

    kind: str  # "cadre" | "liaison"
    rule_id: str
    rule_title: str
    source: str
    have: int
    need: int
    uncovered: int  # residents beyond what the people there can cover
    text: str


@dataclass
class AreaFigures:
    area: Place
    residents: int
    households: int
    cadres: list[AreaDuty] = field(default_factory=list)
    liaisons: list[AreaDuty] = field(default_factory=list)
    n_cadres: int = 0
    n_liaisons: int = 0
    max_per_cadre: int = 500
    per_liaison: int = 500
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def short(self) -> bool:
        return bool(self.shortfalls)

    @property
    def residents_per_cadre(self) -> int | None:
        return math.ceil(self.residents / self.n_cadres) if self.n_cadres else None

    @property
    def cadres_needed(self) -> int:
        return cadres_needed(self.residents, self.max_per_cadre)

    @property
    def liaisons_needed(self) -> int:
        return liaisons_needed(self.residents, self.per_liaison)

    @property
    def uncovered(self) -> int:
        """Residents no cadre covers within the rule (all of them when there is no cadre)."""
        return max(0, self.residents - self.n_cadres * self.max_per_cadre)


@dataclass
class CommunityFigures:
    """One community's areas summed up (the street and county tables)."""

    community: Organisation
    areas: int = 0
    residents: int = 0
    households: int = 0
    cadres: int = 0
    liaisons: int = 0
    areas_short: int = 0
    areas_short_cadre: int = 0
    areas_short_liaison: int = 0
    uncovered: int = 0  # residents beyond what the cadres can cover
    liaisons_missing: int = 0
    shortfalls: list[Shortfall] = field(default_factory=list)  # one per rule broken somewhere

    @property
    def short(self) -> bool:
        return bool(self.areas_short)


# --- the rules --------------------------------------------------------------------------------


def cadres_needed(residents: int, max_per_cadre: int) -> int:
    """At least one cadre per area (责任到人), and enough that none covers more than the max."""
    return max(1, math.ceil(residents / max_per_cadre))


def liaisons_needed(residents: int, per_liaison: int) -> int:
    return math.ceil(residents / per_liaison)


def rule_info() -> dict[str, Any]:
    """Titles and sources of the two rules, for the pages' footnotes."""
    return {
        "cadre": rules.get(CADRE_RULE),
        "liaison": rules.get(LIAISON_RULE),
    }


def _rule_numbers(
    community_ids: Iterable[int], paths: dict[int, str]
) -> dict[int, tuple[int, int]]:
    """(max residents per cadre, residents per liaison) per community, honouring locality
    overrides with one query for all communities (none when nothing is overridden)."""
    codes_by_id: dict[int, str] = {}
    if rules.override_org_codes():
        ids = {int(p) for path in paths.values() for p in path.strip("/").split("/") if p}
        codes_by_id = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "code"))
    out: dict[int, tuple[int, int]] = {}
    for cid in community_ids:
        chain = [int(p) for p in paths[cid].strip("/").split("/") if p]
        codes = tuple(codes_by_id[i] for i in chain if i in codes_by_id)
        out[cid] = (
            int(rules.effective(CADRE_RULE, org_codes=codes)["max_residents"]),
            int(rules.effective(LIAISON_RULE, org_codes=codes)["residents_per_liaison"]),
        )
    return out


def judge(
    *, residents: int, n_cadres: int, n_liaisons: int, max_per_cadre: int, per_liaison: int
) -> list[Shortfall]:
    """The shortfalls of one area against the two rules (pure: tested at its boundaries)."""
    out: list[Shortfall] = []
    need = cadres_needed(residents, max_per_cadre)
    if n_cadres < need:
        rule = rules.get(CADRE_RULE)
        if n_cadres == 0:
            text = _("没有包片干部（居民 %(r)d 人）") % {"r": residents}
        else:
            text = _(
                "%(c)d 名包片干部联系 %(r)d 名居民，人均 %(p)d 人，超过 %(m)d 人；需 %(n)d 名"
            ) % {
                "c": n_cadres,
                "r": residents,
                "p": math.ceil(residents / n_cadres),
                "m": max_per_cadre,
                "n": need,
            }
        out.append(
            Shortfall(
                "cadre",
                CADRE_RULE,
                rule.title,
                rule.source,
                n_cadres,
                need,
                max(0, residents - n_cadres * max_per_cadre),
                text,
            )
        )
    need_l = liaisons_needed(residents, per_liaison)
    if n_liaisons < need_l:
        rule = rules.get(LIAISON_RULE)
        out.append(
            Shortfall(
                "liaison",
                LIAISON_RULE,
                rule.title,
                rule.source,
                n_liaisons,
                need_l,
                max(0, residents - n_liaisons * per_liaison),
                _("社情联络员 %(h)d 名，居民 %(r)d 人需 %(n)d 名")
                % {
                    "h": n_liaisons,
                    "r": residents,
                    "n": need_l,
                },
            )
        )
    return out


# --- who reaches which area -------------------------------------------------------------------


def areas_visible(*, user: Any, on: dt.date | None = None) -> QuerySet[Place]:
    """The areas a user reaches: all areas of the communities a changing grant reaches, and the
    areas the user is the current cadre of (read only). Nothing for anyone else."""
    qs = Place.objects.filter(kind=PlaceKind.GRID)
    scope = scope_for(user)
    if scope.everything:
        return qs
    q = Q(pk__in=[])
    for p in scope.paths(CHANGE):
        q |= subtree_q("community__path", p)
    duty_paths = duty_area_paths(user, on)
    if duty_paths:
        q |= Q(path__in=duty_paths)
    return qs.filter(q)


def areas_changeable(*, user: Any) -> QuerySet[Place]:
    """The areas whose people the user may change: only through a changing grant."""
    qs = Place.objects.filter(kind=PlaceKind.GRID)
    scope = scope_for(user)
    if scope.everything:
        return qs
    q = Q(pk__in=[])
    for p in scope.paths(CHANGE):
        q |= subtree_q("community__path", p)
    return qs.filter(q)


def may_change_area(*, user: Any, area: Place) -> bool:
    return scope_for(user).reaches_path(area.community.path, CHANGE)


def reaches_org(*, user: Any, org: Organisation) -> bool:
    """A community, street/town or county whose grid figures the user may see (changing grant)."""
    if org.kind not in COMMUNITY_KINDS and org.kind not in UPPER_KINDS:
        return False
    return scope_for(user).reaches_path(org.path, CHANGE)


# --- figures ----------------------------------------------------------------------------------


def _below(field_name: str = "path") -> dict[str, Any]:
    """Lookups of the households below the outer area (a path range: index-friendly)."""
    return {
        f"{field_name}__gte": OuterRef("path"),
        f"{field_name}__lt": Concat(OuterRef("path"), Value(_PATH_END)),
    }


def _duty_count(role: str, on: dt.date) -> Coalesce:
    return Coalesce(
        Subquery(
            AreaDuty.objects.current(on)
            .filter(area_id=OuterRef("pk"), role=role)
            .values("area_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def with_figures(qs: QuerySet[Place], *, on: dt.date) -> QuerySet[Place]:
    """Areas annotated with residents, households, current cadres and liaisons (one query)."""
    households = Place.objects.filter(kind=PlaceKind.HOUSEHOLD, **_below())
    return qs.annotate(
        residents_n=Coalesce(
            Subquery(
                households.order_by().values("kind").annotate(s=Sum("population")).values("s")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        households_n=Coalesce(
            Subquery(
                households.order_by().values("kind").annotate(c=Count("pk")).values("c")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        cadres_n=_duty_count(DutyRole.CADRE, on),
        liaisons_n=_duty_count(DutyRole.LIAISON, on),
    )


def figures(
    areas: QuerySet[Place] | Iterable[Place], *, on: dt.date, people: bool = True
) -> list[AreaFigures]:
    """Figures of the given areas (a queryset: fetched with :func:`with_figures`; or areas
    already annotated): residents, households, current people and shortfalls.

    ``people``: also load who the current cadres and liaisons are (one more query)."""
    if isinstance(areas, QuerySet):
        rows = list(with_figures(areas.select_related("community"), on=on))
    else:
        rows = list(areas)
    if not rows:
        return []
    paths = {a.community_id: a.community.path for a in rows}
    numbers = _rule_numbers(paths, paths)
    duties: dict[int, list[AreaDuty]] = {}
    if people:
        for d in (
            AreaDuty.objects.current(on)
            .filter(area_id__in=[a.pk for a in rows])
            .select_related("member")
            .order_by("role", "since", "pk")
        ):
            duties.setdefault(d.area_id, []).append(d)
    out = []
    for a in rows:
        max_c, per_l = numbers[a.community_id]
        mine = duties.get(a.pk, [])
        f = AreaFigures(
            area=a,
            residents=a.residents_n,
            households=a.households_n,
            cadres=[d for d in mine if d.role == DutyRole.CADRE],
            liaisons=[d for d in mine if d.role == DutyRole.LIAISON],
            n_cadres=a.cadres_n,
            n_liaisons=a.liaisons_n,
            max_per_cadre=max_c,
            per_liaison=per_l,
        )
        f.shortfalls = judge(
            residents=f.residents,
            n_cadres=f.n_cadres,
            n_liaisons=f.n_liaisons,
            max_per_cadre=max_c,
            per_liaison=per_l,
        )
        out.append(f)
    return out


def area_list(*, user: Any, org: Organisation | None = None) -> QuerySet[Place]:
    """The areas the user reaches (under ``org`` when given), in tree order."""
    qs = areas_visible(user=user)
    if org is not None:
        qs = qs.filter(subtree_q("community__path", org.path))
    return qs.order_by("community__path", "path")


def community_figures(*, user: Any, org: Organisation, on: dt.date) -> list[CommunityFigures]:
    """Per community under ``org`` (a street/town or the county): its areas summed up. Every
    community the user reaches is listed, also one without any area yet (2–3 queries)."""
    communities = list(
        Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True)
        .filter(subtree_q("path", org.path))
        .order_by("path")
    )
    scope = scope_for(user)
    communities = [c for c in communities if scope.reaches_path(c.path, CHANGE)]
    rows = {c.pk: CommunityFigures(c) for c in communities}
    areas = figures(area_list(user=user, org=org), on=on, people=False)
    for f in areas:
        row = rows.get(f.area.community_id)
        if row is None:  # an area of an inactive community: not reported
            continue
        row.areas += 1
        row.residents += f.residents
        row.households += f.households
        row.cadres += f.n_cadres
        row.liaisons += f.n_liaisons
        row.uncovered += f.uncovered
        row.liaisons_missing += max(0, f.liaisons_needed - f.n_liaisons)
        if f.short:
            row.areas_short += 1
        kinds = {s.kind for s in f.shortfalls}
        row.areas_short_cadre += "cadre" in kinds
        row.areas_short_liaison += "liaison" in kinds
        for s in f.shortfalls:
            if all(x.rule_id != s.rule_id for x in row.shortfalls):
                row.shortfalls.append(s)
    return list(rows.values())


@dataclass
class Totals:
    communities: int = 0
    areas: int = 0
    residents: int = 0
    households: int = 0
    cadres: int = 0
    liaisons: int = 0
    areas_short: int = 0
    areas_short_cadre: int = 0
    areas_short_liaison: int = 0
    uncovered: int = 0
    liaisons_missing: int = 0


def totals(rows: Iterable[CommunityFigures | AreaFigures]) -> Totals:
    """The sum of a table (per community, or per area of one community)."""
    t = Totals()
    for r in rows:
        if isinstance(r, CommunityFigures):
            t.communities += 1
            t.areas += r.areas
            t.residents += r.residents
            t.households += r.households
            t.cadres += r.cadres
            t.liaisons += r.liaisons
            t.areas_short += r.areas_short
            t.areas_short_cadre += r.areas_short_cadre
            t.areas_short_liaison += r.areas_short_liaison
            t.uncovered += r.uncovered
            t.liaisons_missing += r.liaisons_missing
        else:
            t.areas += 1
            t.residents += r.residents
            t.households += r.households
            t.cadres += r.n_cadres
            t.liaisons += r.n_liaisons
            t.areas_short += r.short
            kinds = {s.kind for s in r.shortfalls}
            t.areas_short_cadre += "cadre" in kinds
            t.areas_short_liaison += "liaison" in kinds
            t.uncovered += r.uncovered
            t.liaisons_missing += max(0, r.liaisons_needed - r.n_liaisons)
    return t


def area_duties(*, user: Any, area: Place) -> QuerySet[AreaDuty]:
    """All duties of an area, current and past (its history), newest first within each role."""
    return (
        AreaDuty.objects.visible_to(user)
        .filter(area=area)
        .select_related("user", "member")
        .order_by("role", "-since", "-pk")
    )


def shortfall_count(*, user: Any, org: Organisation, on: dt.date) -> int:
    """Areas under ``org`` the user reaches that break a rule (1 query; 2 with overrides)."""
    areas = figures(area_list(user=user, org=org), on=on, people=False)
    return sum(f.short for f in areas)
