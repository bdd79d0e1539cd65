"""在职党员到社区报到台帐 (.xlsx): the community's checked-in members with their year against
the rule (deeds, households paired, last activity); and 一对一帮扶台帐, the households they
pair with (filtered the same way, by ``?org=`` and period).

Filtered by community (``?org=``, default the user's first) and by period (``?year=`` or
``?from=&to=``): the check-ins in force at some time in it, counted for the period's (last)
year; without one, today's check-ins for this year. ``?show=behind|invisible`` as on the list.
The standing of every row comes from ``selectors.standings`` in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import scope_for, subtree_q
from dangjian.core.xlsx import write_table
from dangjian.orgs.export_filters import (
    Period,
    org_from,
    period_from,
    register_export,
    respond,
    title,
)
from dangjian.orgs.models import Organisation
from dangjian.orgs.selectors.communities import community_for

from . import selectors
from .models import CHECKIN_RELATED, CheckIn, Pairing


def _community(request: HttpRequest) -> Organisation:
    found = community_for(user=request.user, raw=request.GET.get("org", ""))
    if found is None or not scope_for(request.user).is_staff_role:
        raise Http404
    return found


def checkins_in(*, user: Any, community: Any, period: Period) -> list[CheckIn]:
    """The check-ins of ``community`` in force at some time in the period (today's without)."""
    if not period:
        return list(selectors.checkins_visible(user=user, community=community))
    qs = (
        CheckIn.objects.visible_to(user)
        .filter(subtree_q("community__path", community.path))
        .filter(period.overlaps("checked_in_on", "ended_on"))
    )
    return list(
        qs.select_related(*CHECKIN_RELATED).order_by("community__path", "member__name", "pk")
    )


@register_export
def checkin_export(request: HttpRequest) -> FileResponse:
    community = _community(request)
    period = period_from(request)
    today = timezone.localdate()
    year = period.year or (period.end.year if period.end else today.year)
    rows = selectors.standings(
        checkins_in(user=request.user, community=community, period=period),
        year=year,
        today=min(today, period.end) if period.end else today,
    )
    show = request.GET.get("show", "")
    if show == "invisible":
        rows = [r for r in rows if r.invisible]
    elif show == "behind":
        rows = [r for r in rows if not r.met]
    rows.sort(key=lambda r: (not r.invisible, r.met, r.checkin.member.name))
    what = _("在职党员到社区报到台帐")
    fh, count = write_table(
        sheet=_("在职党员报到台帐"),
        title=title(what, org=community, period=period),
        columns=[
            (_("姓名"), 10),
            (_("工作单位"), 24),
            (_("单位党组织"), 24),
            (_("报到日期"), 12),
            (_("认领岗位"), 16),
            (_("%(y)d年实事") % {"y": year}, 8),
            (_("结对帮扶户"), 10),
            (_("最近活动"), 12),
            (_("情况"), 30),
            (_("解除报到日期"), 12),
        ],
        rows=(
            [
                r.checkin.member.name,
                r.checkin.employer,
                r.checkin.employer_party_org,
                r.checkin.checked_in_on,
                r.post_label,
                r.deeds,
                r.households,
                r.last_active,
                "；".join(r.behind) + (_("；长期未参加社区活动") if r.invisible else ""),
                r.checkin.ended_on,
            ]
            for r in rows
        ),
    )
    return respond(request, fh=fh, count=count, what=what, org=community, period=period, show=show)


def pairing_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    """一对一帮扶 in force at some time in the period (today's without one); two queries'
    worth of joins, whatever the number of rows."""
    qs = Pairing.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("checkin__community__path", org.path))
    if period:
        qs = qs.filter(period.overlaps("since", "until"))
    else:
        qs = qs.filter(Q(until__isnull=True) | Q(until__gt=timezone.localdate()))
    qs = qs.select_related(*(f"checkin__{x}" for x in CHECKIN_RELATED), "household").order_by(
        "checkin__community__path", "checkin__member__name", "since", "pk"
    )
    return [
        [
            p.checkin.community.name,
            p.checkin.member.name,
            p.checkin.member.org.name,
            p.checkin.employer,
            p.household_label,
            p.household.address if p.household_id else "",
            p.since,
            p.until,
        ]
        for p in qs
    ]


@register_export
def pairings_export(request: HttpRequest) -> FileResponse:
    org, period = org_from(request), period_from(request)
    what = _("在职党员一对一帮扶台帐")
    fh, count = write_table(
        sheet=_("一对一帮扶"),
        title=title(what, org=org, period=period),
        columns=[
            (_("报到社区"), 20),
            (_("党员"), 10),
            (_("所在党组织"), 24),
            (_("工作单位"), 24),
            (_("帮扶对象（户）"), 22),
            (_("住址"), 28),
            (_("结对日期"), 12),
            (_("结束日期"), 12),
        ],
        rows=pairing_rows(user=request.user, org=org, period=period),
    )
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)
