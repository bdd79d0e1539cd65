"""驻区单位、共建协议及承诺事项台帐 (.xlsx): three sheets — the resident units, their
co-building agreements, and each agreement's pledges with whether they were kept.

Filtered by organisation (``?org=``: the communities of a subtree) and by period (``?year=`` or
``?from=&to=``: the agreements in force at some time in it, and their pledges; the units sheet
counts those agreements). Four queries for any number of rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.orgs.export_filters import (
    Period,
    org_from,
    period_from,
    register_export,
    respond,
    title,
    write_sheets,
)
from dangjian.orgs.models import Organisation, ResidentUnit

from .models import Agreement, Pledge, Side


def _in(qs: Any, lookup: str, org: Organisation | None) -> Any:
    return qs.filter(subtree_q(lookup, org.path)) if org is not None else qs


def unit_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    in_period = period.overlaps("agreements__starts_on", "agreements__ends_on")
    units = (
        _in(ResidentUnit.objects.visible_to(user), "community__path", org)
        .select_related("community", "party_org")
        .prefetch_related("also_in")
        .annotate(
            n_agreements=Count("agreements", filter=in_period) if period else Count("agreements")
        )
        .order_by("community__path", "name", "pk")
    )
    return [
        [
            u.name,
            u.get_kind_display(),
            u.community.name,
            "、".join(o.name for o in u.also_in.all()),
            u.address,
            u.party_org.name if u.party_org_id else "",
            u.head,
            u.contact,
            u.phone,
            u.member_count,
            u.n_agreements,
        ]
        for u in units
    ]


def agreement_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    agreements = (
        _in(Agreement.objects.visible_to(user), "community__path", org)
        .filter(period.overlaps("starts_on", "ends_on"))
        .select_related("community", "unit")
        .annotate(
            n_unit=Count("pledges", filter=Q(pledges__side=Side.UNIT)),
            n_community=Count("pledges", filter=Q(pledges__side=Side.COMMUNITY)),
            n_kept=Count("pledges", filter=Q(pledges__kept=True)),
            n_not_kept=Count("pledges", filter=Q(pledges__kept=False)),
        )
        .order_by("community__path", "unit__name", "starts_on", "pk")
    )
    return [
        [
            a.community.name,
            a.unit.name,
            a.title,
            a.signed_on,
            a.starts_on,
            a.ends_on,
            a.n_unit,
            a.n_community,
            a.n_kept,
            a.n_not_kept,
        ]
        for a in agreements
    ]


def pledge_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    pledges = (
        _in(Pledge.objects.visible_to(user), "agreement__community__path", org)
        .filter(period.overlaps("agreement__starts_on", "agreement__ends_on"))
        .select_related("agreement__community", "agreement__unit")
        .order_by(
            "agreement__community__path", "agreement__unit__name", "agreement_id", "side", "pk"
        )
    )
    kept = {True: _("已兑现"), False: _("未兑现"), None: _("未核查")}
    return [
        [
            p.agreement.community.name,
            p.agreement.unit.name,
            p.agreement.title,
            p.get_side_display(),
            p.text,
            kept[p.kept],
            p.checked_on,
            p.note,
        ]
        for p in pledges
    ]


@register_export
def units_export(request: HttpRequest) -> FileResponse:
    org, period = org_from(request), period_from(request)
    what = _("驻区单位共建协议台帐")
    args = {"user": request.user, "org": org, "period": period}
    fh, count = write_sheets(
        title=title(what, org=org, period=period),
        sheets=[
            (
                _("驻区单位"),
                [
                    (_("单位名称"), 24),
                    (_("单位类型"), 10),
                    (_("所在社区"), 20),
                    (_("同时所在社区"), 20),
                    (_("地址"), 24),
                    (_("单位党组织"), 22),
                    (_("负责人"), 10),
                    (_("联系人"), 10),
                    (_("联系电话"), 14),
                    (_("党员人数"), 8),
                    (_("共建协议"), 8),
                ],
                unit_rows(**args),
            ),
            (
                _("共建协议"),
                [
                    (_("社区党组织"), 20),
                    (_("驻区单位"), 22),
                    (_("协议名称"), 28),
                    (_("签订日期"), 12),
                    (_("起始日期"), 12),
                    (_("截止日期"), 12),
                    (_("单位承诺"), 8),
                    (_("社区承诺"), 8),
                    (_("已兑现"), 8),
                    (_("未兑现"), 8),
                ],
                agreement_rows(**args),
            ),
            (
                _("承诺事项"),
                [
                    (_("社区党组织"), 20),
                    (_("驻区单位"), 22),
                    (_("协议名称"), 24),
                    (_("承诺方"), 12),
                    (_("承诺事项"), 36),
                    (_("兑现情况"), 10),
                    (_("核查日期"), 12),
                    (_("核查说明"), 28),
                ],
                pledge_rows(**args),
            ),
        ],
    )
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)
