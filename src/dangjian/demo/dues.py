"""The demo county's dues this year: every member a base from January (in service, retired or the
flat rate, by category), most paid up to last month (some a quarter at a time), a few a couple
of months behind, one per community six months behind (the art. 9 list) and one excused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.dues import services
from dangjian.dues.months import add_months, month_of
from dangjian.members.models import Category, Member, State

if TYPE_CHECKING:
    from .county import Demo


def build_dues(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    jan = dt.date(today.year, 1, 1)
    last = add_months(month_of(today), -1)
    paid = 0
    for c in demo.communities:
        members = list(
            Member.objects.filter(org__path__startswith=c.org.path, state=State.ACTIVE)
            .prefetch_related("categories")
            .select_related("org")
            .order_by("pk")
        )
        for i, m in enumerate(members):
            cats = {x.category for x in m.categories.all()}
            if Category.RETIRED in cats or Category.ELDERLY in cats:
                kind, base = "retired", rng.choice((2800, 3600, 4500, 5200))
            elif Category.UNEMPLOYED in cats or Category.DIFFICULTY in cats:
                kind, base = "flat", None
            else:
                kind, base = "in_service", rng.choice((2600, 3000, 4200, 6800, 11000))
            services.base_set(
                acting_user=demo.admin, member=m, kind=kind, base=base, from_month=jan
            )
            first = max(jan, month_of(m.joined_on))
            if i == 3:
                upto = add_months(last, -6)  # six months behind: on the art. 9 list
            elif i == 4:
                upto = add_months(last, -6)
                services.reason_record(
                    acting_user=demo.admin,
                    member=m,
                    from_month=add_months(upto, 1),
                    to_month=last,
                    reason="长期住院治疗，经支部研究同意缓交",
                )
            elif i % 9 == 5:
                upto = add_months(last, -2)
            else:
                upto = last
            month = first
            while month <= upto:
                n = min(
                    rng.choice((1, 3, 3, 6)),
                    (upto.year - month.year) * 12 + upto.month - month.month + 1,
                )
                services.payment_record(
                    acting_user=demo.admin,
                    member=m,
                    first_month=month,
                    months=n,
                    paid_on=min(today, add_months(month, n - 1) + dt.timedelta(days=9)),
                    today=today,
                )
                paid += 1
                month = add_months(month, n)
    log(f"党费：{paid} 笔交纳记录（每社区有 1 人连续 6 个月未交、1 人有正当理由）")
