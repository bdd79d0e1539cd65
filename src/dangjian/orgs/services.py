"""Writes to the organisation and place trees. Paths are kept here and nowhere else."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangjian.core import audit
from dangjian.core.services import audited_update

from .models import Office, Organisation, Place

PATH_STEP = 7  # digits per level: up to 9,999,999 rows per tree, 36 levels in 255 characters


def _segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}/"


@transaction.atomic
def org_create(*, parent: Organisation | None, acting_user: Any, **fields: Any) -> Organisation:
    """Create an organisation under ``parent`` (None for a root such as a county committee)."""
    org = Organisation(parent=parent, path=f"tmp-{fields.get('code')}", **fields)
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + _segment(org.pk)
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    audit.record_create(org, acting_user=acting_user)
    return org


def org_update(
    org: Organisation,
    *,
    data: dict[str, Any],
    acting_user: Any,
    expected_version: int | None = None,
) -> Organisation:
    data = {k: v for k, v in data.items() if k not in {"parent", "path", "depth"}}
    return audited_update(
        org, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def place_create(
    *, parent: Place | None, community: Organisation, acting_user: Any, **fields: Any
) -> Place:
    place = Place(parent=parent, community=community, path=f"tmp-{id(fields)}", **fields)
    place.full_clean(exclude=["path"])
    place.save()
    place.path = (parent.path if parent else "") + _segment(place.pk)
    place.depth = parent.depth + 1 if parent else 0
    place.save(update_fields=["path", "depth"])
    audit.record_create(place, acting_user=acting_user)
    return place


@transaction.atomic
def org_cover_places(*, org: Organisation, places: list[Place], acting_user: Any) -> None:
    """Attach places an organisation covers (a building branch its buildings, a group its corridors)."""
    before = sorted(org.places.values_list("pk", flat=True))
    org.places.add(*places)
    after = sorted(org.places.values_list("pk", flat=True))
    if before != after:
        audit.record(
            action="update",
            obj=org,
            acting_user=acting_user,
            changes={"places": {"before": before, "after": after}},
        )


@transaction.atomic
def office_create(*, acting_user: Any, **fields: Any) -> Office:
    member = fields.get("member")
    if member is not None and not fields.get("holder_name"):
        fields["holder_name"] = member.name
    office = Office(**fields)
    office.full_clean()
    office.save()
    audit.record_create(office, acting_user=acting_user)
    return office
