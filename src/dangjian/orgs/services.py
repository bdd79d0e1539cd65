"""Writes to the organisation and place trees. Paths are kept here and nowhere else.

Every function is atomic, keyword-only after the object it changes, and writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, rules
from dangjian.core.services import audited_update

from .models import LEAF_KINDS, UPPER_KINDS, Office, Organisation, Place

PATH_STEP = 7  # digits per level: up to 9,999,999 rows per tree, 36 levels in 255 characters


def _segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}/"


def _check_parent_kind(*, parent: Organisation | None, kind: str) -> None:
    """The tree may be any depth, but a few placements make no sense and are refused."""
    if parent is None:
        return
    if parent.kind in LEAF_KINDS:
        raise ValidationError(
            {"kind": _("“%(p)s”下不能再设下级组织。") % {"p": parent.get_kind_display()}}
        )
    if kind in UPPER_KINDS and parent.kind not in UPPER_KINDS:
        raise ValidationError(
            {
                "kind": _("街道、镇或区县党组织不能设在“%(p)s”之下。")
                % {"p": parent.get_kind_display()}
            }
        )


@transaction.atomic
def org_create(*, parent: Organisation | None, acting_user: Any, **fields: Any) -> Organisation:
    """Create an organisation under ``parent`` (None for a root such as a county committee)."""
    _check_parent_kind(parent=parent, kind=fields.get("kind", ""))
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
    """Change an organisation's own fields. Moving it in the tree is not done here: the paths
    of its whole subtree would change, which needs its own, separately audited operation."""
    data = {k: v for k, v in data.items() if k not in {"parent", "path", "depth", "version"}}
    if "kind" in data and data["kind"] != org.kind:
        _check_parent_kind(parent=org.parent, kind=data["kind"])
        if data["kind"] in LEAF_KINDS and org.children.exists():
            raise ValidationError({"kind": _("该组织下还有下级组织，不能改为党小组。")})
    return audited_update(
        org, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def place_create(
    *, parent: Place | None, community: Organisation, acting_user: Any, **fields: Any
) -> Place:
    """Add a place under ``parent``; its kind must be the one that belongs under the parent's
    (community → grid → building → corridor → household), checked by ``Place.clean``."""
    if parent is not None and parent.community_id != community.pk:
        raise ValidationError(_("下级区域必须和上级区域属于同一个社区。"))
    place = Place(parent=parent, community=community, path=f"tmp-{id(fields)}", **fields)
    place.full_clean(exclude=["path"])
    place.save()
    place.path = (parent.path if parent else "") + _segment(place.pk)
    place.depth = parent.depth + 1 if parent else 0
    place.save(update_fields=["path", "depth"])
    audit.record_create(place, acting_user=acting_user)
    return place


def place_update(
    place: Place,
    *,
    data: dict[str, Any],
    acting_user: Any,
    expected_version: int | None = None,
) -> Place:
    """Change a place's name, population or address (never its position in the tree)."""
    data = {k: v for k, v in data.items() if k in {"name", "population", "address"}}
    return audited_update(
        place, data=data, acting_user=acting_user, expected_version=expected_version
    )


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
def org_set_places(*, org: Organisation, places: list[Place], acting_user: Any) -> None:
    """Make ``places`` exactly the places an organisation covers (adds and removes)."""
    foreign = [p for p in places if p.community_id != _community_id(org)]
    if foreign:
        raise ValidationError(
            _("只能选择本社区的区域：%(names)s 不属于本社区。")
            % {"names": "、".join(p.name for p in foreign)}
        )
    before = set(org.places.values_list("pk", flat=True))
    after = {p.pk for p in places}
    if before == after:
        return
    org.places.remove(*(before - after))
    org.places.add(*(after - before))
    audit.record(
        action="update",
        obj=org,
        acting_user=acting_user,
        changes={"places": {"before": sorted(before), "after": sorted(after)}},
    )


def _community_id(org: Organisation) -> int | None:
    community = org.community()
    return community.pk if community else None


def term_years(org: Organisation) -> int:
    """How long a term of office lasts in this organisation: longer in communities."""
    key = "term_years_community" if org.community() is not None else "term_years_other"
    return int(rules.value("org.branch_committee_size", key, org=org))


def default_term_end(*, org: Organisation, term_start: dt.date) -> dt.date:
    years = term_years(org)
    try:
        return term_start.replace(year=term_start.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return term_start.replace(year=term_start.year + years, day=28)


@transaction.atomic
def office_create(*, acting_user: Any, **fields: Any) -> Office:
    """Record an office holder. Without an end date the term is the rule's length of term."""
    member = fields.get("member")
    if member is not None and not fields.get("holder_name"):
        fields["holder_name"] = member.name
    if not fields.get("term_end") and fields.get("term_start") and fields.get("org"):
        fields["term_end"] = default_term_end(org=fields["org"], term_start=fields["term_start"])
    office = Office(**fields)
    office.full_clean()
    office.save()
    audit.record_create(office, acting_user=acting_user)
    return office


def office_update(
    office: Office,
    *,
    data: dict[str, Any],
    acting_user: Any,
    expected_version: int | None = None,
) -> Office:
    """Change an office (typically: record the day the holder left, or correct the term)."""
    data = {k: v for k, v in data.items() if k not in {"org", "version"}}
    member = data.get("member")
    if member is not None and not data.get("holder_name"):
        data["holder_name"] = member.name
    return audited_update(
        office, data=data, acting_user=acting_user, expected_version=expected_version
    )
