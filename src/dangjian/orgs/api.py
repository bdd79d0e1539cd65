"""API for organisations and places: the same scoped querysets as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .models import Organisation, Place

router = Router(tags=["组织"])
places_router = Router(tags=["区域"])


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    path: str

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return obj.get_kind_display()


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    community_id: int
    population: int


@router.get("/", response=list[OrgOut])
@paginate(LimitOffsetPagination)
def list_orgs(request, parent: int | None = None, kind: str | None = None):
    qs = Organisation.objects.visible_to(request.auth).filter(is_active=True)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/{int:org_id}", response=OrgOut)
def get_org(request, org_id: int):
    return get_object_or_404(Organisation.objects.visible_to(request.auth), pk=org_id)


@places_router.get("/", response=list[PlaceOut])
@paginate(LimitOffsetPagination)
def list_places(request, parent: int | None = None, kind: str | None = None):
    qs = Place.objects.visible_to(request.auth)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@places_router.get("/{int:place_id}", response=PlaceOut)
def get_place(request, place_id: int):
    return get_object_or_404(Place.objects.visible_to(request.auth), pk=place_id)
