"""The staff roster through the API: a community's workers in post, and the staffing of every
community at or below an organisation against its quota."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from dangjian.core.access import get_visible_or_404
from dangjian.orgs.models import Organisation

from . import selectors

router = Router(tags=["社区工作者"])


class StaffOut(Schema):
    id: int
    name: str
    kind: str
    sub_post: str
    post: str
    started_on: dt.date | None
    is_party_member: bool
    is_seconded: bool
    seconded_until: dt.date | None


class ShortfallOut(Schema):
    key: str
    label: str
    have: int
    need: int
    rule_id: str
    rule_title: str
    rule_source: str


class StaffingOut(Schema):
    community_id: int
    community: str
    county_seat: bool
    total: int
    counts: dict[str, int]
    quota: dict[str, int]
    shortfalls: list[ShortfallOut]


def _org(request, org: int) -> Organisation:
    return get_visible_or_404(Organisation.objects.all(), request.auth, pk=org)


@router.get("/", response=list[StaffOut])
def staff_list(request, org: int):
    """Workers in post today of one community (404 for one the caller may not see)."""
    community = _org(request, org)
    if not community.is_community:
        return []
    return [
        StaffOut(
            id=s.pk,
            name=s.name,
            kind=s.kind,
            sub_post=s.sub_post,
            post=s.post,
            started_on=s.started_on,
            is_party_member=s.member_id is not None,
            is_seconded=s.is_seconded,
            seconded_until=s.seconded_until,
        )
        for s in selectors.staff_visible(
            user=request.auth, community=community, on=timezone.localdate()
        )
    ]


@router.get("/staffing", response=list[StaffingOut])
def staffing(request, org: int):
    """Each community's staffing against the quota of its type, with the shortfalls."""
    top = _org(request, org)
    rows = selectors.staffing(
        selectors.communities_under(user=request.auth, org=top), on=timezone.localdate()
    )
    return [
        StaffingOut(
            community_id=r.community.pk,
            community=r.community.name,
            county_seat=r.county_seat,
            total=r.total,
            counts=r.counts,
            quota=r.quota,
            shortfalls=[ShortfallOut(**s.__dict__) for s in r.shortfalls],
        )
        for r in rows
    ]
