"""The funds part of the demo, run on the test cast: a year of books for a street and a
community that tie out, office funds allocated by the rule, spending that points at a meeting,
one voided duplicate, and fixed assets with one disposed of."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from dangjian.demo.county import Community, Demo
from dangjian.demo.funds import build_funds
from dangjian.funds import selectors
from dangjian.funds.models import Asset, Entry, Ledger
from dangjian.meetings.services import meeting_create


def test_the_demo_keeps_a_year_of_books_and_assets(cast):
    today = timezone.localdate()
    for k in range(4):
        meeting_create(
            org=cast.branch_a,
            acting_user=cast.admin,
            kind="theme_day",
            date=today - dt.timedelta(days=30 * k + 3),
            topic=f"主题党日{k}",
        )
    demo = Demo(
        cast.county,
        [cast.street_a],
        [Community(spec=None, town=cast.street_a, org=cast.comm_a)],
        cast.admin,
        today,
        random.Random(1),
    )
    build_funds(demo, log=lambda s: None)
    for org in (cast.street_a, cast.comm_a):
        ledger = Ledger.objects.get(org=org)
        p = selectors.period(ledger=ledger, start=today - dt.timedelta(days=364), end=today)
        assert p.income > 0 and p.spending > 0
        assert p.opening + p.income - p.spending == p.closing == selectors.balance(ledger=ledger)
    entries = Entry.objects.filter(ledger__org=cast.comm_a)
    assert entries.filter(purpose="office_activity").exists()
    assert entries.filter(meeting__isnull=False).exists()
    assert entries.filter(voided_at__isnull=False).count() == 1
    assert not Entry.objects.filter(date__gt=today).exists()
    assets = Asset.objects.filter(org=cast.comm_a)
    assert assets.count() >= 8
    assert assets.filter(disposed_on__isnull=False).count() <= 1
    report = selectors.fund_vs_rule(user=cast.admin, org=cast.county, year=today.year)
    assert any(r.org.pk == cast.comm_a.pk for r in report.rows)
