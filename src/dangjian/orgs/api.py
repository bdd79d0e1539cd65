"""API for organisations and places: the same scoped querysets, selectors and services as the
pages. Outside the user's scope is 404 (as missing); visible but not theirs to change is 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.api_errors import ErrorOut

from . import selectors, services
from .forms import kind_choices
from .models import (
    LEAF_KINDS,
    PLACE_CHILD_KIND,
    Office,
    Organisation,
    OrgKind,
    Place,
    PlaceKind,
)

router = Router(tags=["组织"])
places_router = Router(tags=["区域"])


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    path: str
    is_active: bool
    is_county_seat: bool
    established_on: dt.date | None
    version: int

    @staticmethod
    def resolve_kind_label(obj: Organisation | dict[str, Any]) -> str:
        kind = obj["kind"] if isinstance(obj, dict) else obj.kind
        return str(OrgKind(kind).label)


class OrgBrief(Schema):
    id: int
    name: str
    kind: str


class CountsOut(Schema):
    total: int
    full: int
    probationary: int


class OfficeOut(Schema):
    id: int
    org_id: int
    title: str
    title_label: str
    holder_name: str
    member_id: int | None
    term_start: dt.date
    term_end: dt.date | None
    left_on: dt.date | None
    current: bool

    @staticmethod
    def resolve_title_label(obj: Office) -> str:
        return str(Office.Title(obj.title).label)

    @staticmethod
    def resolve_current(obj: Office) -> bool:
        return obj.is_current(selectors.today())


class PlaceBrief(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None


class WarningOut(Schema):
    org_id: int
    org_name: str
    kind: str
    label: str
    message: str
    rule_id: str

    @staticmethod
    def resolve_org_id(obj: selectors.OrgWarning) -> int:
        return obj.org.pk

    @staticmethod
    def resolve_org_name(obj: selectors.OrgWarning) -> str:
        return obj.org.name


class OrgDetailOut(OrgOut):
    ancestors: list[OrgBrief]
    counts: CountsOut
    children: int
    places: list[PlaceBrief]
    offices: list[OfficeOut]
    warnings: list[WarningOut]


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    community_id: int
    population: int
    address: str
    version: int


class CommunityCoverageOut(Schema):
    org_id: int
    org_name: str
    buildings: int
    buildings_covered: int
    building_percent: float | None
    corridors: int
    corridors_covered: int
    corridor_percent: float | None
    uncovered_buildings: list[PlaceBrief]
    uncovered_corridors: list[PlaceBrief]


class CoverageOut(Schema):
    org_id: int
    org_name: str
    buildings: int
    buildings_covered: int
    building_percent: float | None
    corridors: int
    corridors_covered: int
    corridor_percent: float | None
    with_gaps: bool
    communities: list[CommunityCoverageOut]


class OrgIn(Schema):
    parent_id: int
    kind: str
    name: str
    code: str
    short_name: str = ""
    established_on: dt.date | None = None
    is_county_seat: bool = False
    sort: int = 0


class PlaceIn(Schema):
    parent_id: int | None = None
    community_id: int | None = None
    name: str
    population: int = 0
    address: str = ""


def _visible_org(request, org_id: int) -> Organisation:
    return get_object_or_404(selectors.orgs_visible(user=request.auth), pk=org_id)


def _changeable(request, obj_path: str) -> None:
    """Visible but not the user's to change: 403 (invisible was already a 404)."""
    if not scope_for(request.auth).reaches_path(obj_path, CHANGE):
        raise HttpError(403, _("您无权修改此组织。"))


def _error(exc: ValidationError) -> Status:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(
        422, {"detail": "；".join(m for ms in errors.values() for m in ms), "errors": errors}
    )


@router.get("/", response=list[OrgOut])
@paginate(LimitOffsetPagination)
def list_orgs(request, parent: int | None = None, kind: str | None = None):
    qs = Organisation.objects.visible_to(request.auth).filter(is_active=True)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/{int:org_id}", response=OrgDetailOut)
def get_org(request, org_id: int):
    """An organisation with its ancestors, member counts, places, current offices, warnings."""
    org = _visible_org(request, org_id)
    current, _past = selectors.org_offices(org=org)
    return {
        **OrgOut.from_orm(org).model_dump(),
        "ancestors": [a for a, _visible in selectors.org_ancestors(user=request.auth, org=org)],
        "counts": selectors.member_counts(orgs=[org])[org.pk].__dict__,
        "children": selectors.child_counts(user=request.auth, orgs=[org])[org.pk],
        "places": list(org.places.order_by("path")),
        "offices": current,
        "warnings": selectors.org_warnings(orgs=[org])[org.pk],
    }


@router.post("/", response={201: OrgOut, 403: ErrorOut, 422: ErrorOut})
def create_org(request, payload: OrgIn):
    """A new organisation under ``parent_id``, for users who may change the parent."""
    parent = _visible_org(request, payload.parent_id)
    _changeable(request, parent.path)
    data = payload.dict(exclude={"parent_id"})
    if data["kind"] not in {k for k, _label in kind_choices(parent)}:
        return Status(422, {"detail": _("这种组织类型不能设在此上级组织之下。"), "errors": {}})
    if parent.kind in LEAF_KINDS:
        return Status(422, {"detail": _("党小组下不能再设下级组织。"), "errors": {}})
    try:
        org = services.org_create(parent=parent, acting_user=request.auth, **data)
    except ValidationError as exc:
        return _error(exc)
    return Status(201, org)


@router.get("/{int:org_id}/offices", response=list[OfficeOut])
@paginate(LimitOffsetPagination)
def list_offices(request, org_id: int, current: bool | None = None):
    """Office holders of an organisation with their terms (``current=true``: only those in
    office today)."""
    org = _visible_org(request, org_id)
    qs = Office.objects.visible_to(request.auth).filter(org=org)
    if current is True:
        qs = qs.current(selectors.today())
    elif current is False:
        qs = qs.past(selectors.today())
    return qs.order_by("title", "-term_start", "pk")


@router.get("/{int:org_id}/warnings", response=list[WarningOut])
@paginate(LimitOffsetPagination)
def list_warnings(request, org_id: int, kind: str | None = None):
    """Structural warnings of the organisation and everything below it."""
    org = _visible_org(request, org_id)
    # messages are formatted only for the page returned
    return selectors.warnings_in(user=request.auth, org=org, kind=kind)


@router.get("/{int:org_id}/coverage", response=CoverageOut)
def get_coverage(request, org_id: int, gaps: bool | None = None):
    """Buildings with a branch and corridors with a group, per community; with ``gaps`` (by
    default for a single community) the uncovered buildings and corridors too."""
    org = _visible_org(request, org_id)
    cov = selectors.coverage_for(user=request.auth, org=org, gaps=gaps)
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "buildings": cov.buildings,
        "buildings_covered": cov.buildings_covered,
        "building_percent": cov.building_percent,
        "corridors": cov.corridors,
        "corridors_covered": cov.corridors_covered,
        "corridor_percent": cov.corridor_percent,
        "with_gaps": cov.with_gaps,
        "communities": [
            {
                "org_id": c.org.pk,
                "org_name": c.org.name,
                "buildings": c.buildings,
                "buildings_covered": c.buildings_covered,
                "building_percent": c.building_percent,
                "corridors": c.corridors,
                "corridors_covered": c.corridors_covered,
                "corridor_percent": c.corridor_percent,
                "uncovered_buildings": c.uncovered_buildings,
                "uncovered_corridors": c.uncovered_corridors,
            }
            for c in cov.communities
        ],
    }


@places_router.get("/", response=list[PlaceOut])
@paginate(LimitOffsetPagination)
def list_places(
    request, parent: int | None = None, kind: str | None = None, community: int | None = None
):
    qs = Place.objects.visible_to(request.auth)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if community is not None:
        qs = qs.filter(community_id=community)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@places_router.get("/{int:place_id}", response=PlaceOut)
def get_place(request, place_id: int):
    return get_object_or_404(Place.objects.visible_to(request.auth), pk=place_id)


@places_router.post("/", response={201: PlaceOut, 403: ErrorOut, 422: ErrorOut})
def create_place(request, payload: PlaceIn):
    """A new place under ``parent_id`` (its kind follows from the parent's), or a community's
    top place with ``community_id`` only."""
    fields = {"name": payload.name, "population": payload.population, "address": payload.address}
    if payload.parent_id is not None:
        parent = get_object_or_404(
            Place.objects.visible_to(request.auth).select_related("community"),
            pk=payload.parent_id,
        )
        _changeable(request, parent.community.path)
        kind = PLACE_CHILD_KIND.get(PlaceKind(parent.kind))
        if kind is None:
            return Status(422, {"detail": _("户下面不能再添加区域。"), "errors": {}})
        community = parent.community
    elif payload.community_id is not None:
        parent = None
        community = _visible_org(request, payload.community_id)
        _changeable(request, community.path)
        if not community.is_community:
            return Status(422, {"detail": _("只有社区党组织可以建立社区区域。"), "errors": {}})
        kind = PlaceKind.COMMUNITY
    else:
        return Status(
            422,
            {
                "detail": _("请指定上级区域（parent_id）或社区党组织（community_id）。"),
                "errors": {},
            },
        )
    try:
        place = services.place_create(
            parent=parent, community=community, acting_user=request.auth, kind=kind, **fields
        )
    except ValidationError as exc:
        return _error(exc)
    return Status(201, place)
