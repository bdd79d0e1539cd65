"""Writes of venues and office space (atomic, audited). Registering a bookable venue makes it a
resource of co-building's booking engine, owned by the community itself."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.cobuild.models import Resource, ResourceKind
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.services import audited_create, audited_update
from dangjian.orgs.models import Organisation

from .models import Kind, OfficeSpace, Venue


def _may(acting_user: Any, community: Organisation) -> None:
    if not community.is_community:
        raise ValidationError(_("阵地只登记在社区党组织下。"))
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区可以登记阵地。"))


def _area(raw: Any, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请填写面积（平方米），例如 120。")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({field: _("面积须大于 0。")})
    if value >= Decimal("100000"):
        raise ValidationError({field: _("面积太大，请核对（单位是平方米）。")})
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def venue_save(
    *,
    acting_user: Any,
    community: Organisation,
    kind: str,
    area_m2: Any,
    note: str = "",
    bookable: bool = False,
) -> Venue:
    """Register or update one of the community's six venues."""
    _may(acting_user, community)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("请选择阵地类别。")})
    area = _area(area_m2, "area_m2")
    venue = Venue.objects.select_for_update().filter(community=community, kind=kind).first()
    data = {"area_m2": area, "note": (note or "").strip()}
    if venue is None:
        venue = audited_create(
            Venue, data={"community": community, "kind": kind, **data}, acting_user=acting_user
        )
    else:
        venue = audited_update(venue, data=data, acting_user=acting_user)
    if bookable and venue.resource_id is None:
        resource = audited_create(
            Resource,
            data={
                "community": community,
                "unit": None,
                "kind": ResourceKind.VENUE,
                "name": str(Kind(kind).label),
                "detail": venue.note,
            },
            acting_user=acting_user,
        )
        venue = audited_update(venue, data={"resource": resource}, acting_user=acting_user)
    elif venue.resource_id is not None:
        Resource.objects.filter(pk=venue.resource_id).update(is_open=bookable)
    return venue


@transaction.atomic
def office_save(
    *, acting_user: Any, community: Organisation, floor_area_m2: Any, in_transition: bool
) -> OfficeSpace:
    _may(acting_user, community)
    area = None
    if not in_transition or (floor_area_m2 not in (None, "")):
        area = _area(floor_area_m2, "floor_area_m2")
    office = OfficeSpace.objects.select_for_update().filter(community=community).first()
    data = {"floor_area_m2": area, "in_transition": bool(in_transition)}
    if office is None:
        return audited_create(
            OfficeSpace, data={"community": community, **data}, acting_user=acting_user
        )
    return audited_update(office, data=data, acting_user=acting_user)
