"""A resident unit's job offers (再就业) and donations to the charity shop (爱心超市) count in its
co-building year: in its figures, among the star proposal's reasons (listed, no star of their
own) and on its pages — read from those apps' records in one query each, whatever the number of
units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.charity import services as charity
from dangjian.charity.models import Item
from dangjian.cobuild import selectors
from dangjian.cobuild.stars import UnitYear, propose
from dangjian.core import rules
from dangjian.jobs import services as jobs
from tests.cobuild.factories import activity, unit


def _offer(cast, u, *, start=dt.date(2026, 3, 1), end=dt.date(2026, 9, 30)):
    return jobs.offer_create(
        acting_user=cast.comm_a_sec,
        unit=u,
        position="保洁员",
        category="cleaning",
        places=2,
        valid_from=start,
        valid_until=end,
    )


def _donation(cast, u, *, day=dt.date(2026, 4, 2), quantity=10, value="300"):
    item = Item.objects.filter(community=cast.comm_a, name="大米").first()
    if item is None:
        item = charity.item_create(
            acting_user=cast.comm_a_sec, community=cast.comm_a, name="大米", unit="袋"
        )
    return charity.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=quantity,
        date=day,
        donor_kind="unit",
        donor_unit=u,
        value=value,
    )


def test_offers_and_donations_are_in_the_units_year_and_its_reasons(cast):
    school, idle = unit(cast), unit(cast, "乙单位")
    _offer(cast, school)
    _offer(cast, school, start=dt.date(2025, 6, 1), end=dt.date(2026, 1, 31))  # reaches 2026
    _offer(cast, school, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))  # 2025 only
    _donation(cast, school)
    _donation(cast, school, quantity=5, value="100.5")
    voided = _donation(cast, school, quantity=1, value="1")
    charity.movement_void(movement=voided, acting_user=cast.comm_a_sec, reason="登记错了")
    _donation(cast, school, day=dt.date(2025, 12, 31))  # another year

    counts = selectors.year_counts([school, idle], 2026)
    y = counts[school.pk]
    assert (y.job_offers, y.donations, y.donated_pieces) == (2, 2, 15)
    assert y.donated_value == Decimal("400.50")
    assert (counts[idle.pk].job_offers, counts[idle.pk].donations) == (0, 0)
    assert selectors.year_counts([school], 2025)[school.pk].job_offers == 2

    texts = [r.text for r in selectors.proposal_for(unit=school, year=2026).reasons]
    assert "提供就业岗位 2 个（计入共建年度，不单独计星）" in texts
    assert "向爱心超市捐赠 2 次、15 件，价值 400.50 元（计入共建年度，不单独计星）" in texts
    idle_texts = " ".join(r.text for r in selectors.proposal_for(unit=idle, year=2026).reasons)
    assert "就业岗位" not in idle_texts and "爱心超市" not in idle_texts
    # the same through the batch used by the overview and the demo
    batch = selectors.proposals_for(units=[school, idle], year=2026)[school.pk]
    assert batch == selectors.proposal_for(unit=school, year=2026)


def test_they_are_listed_but_earn_no_star_of_their_own(cast):
    bare = UnitYear(12, 0, 0, 0, 0, 0, 0, 0)
    giving = UnitYear(12, 0, 0, 0, 0, 0, 0, 0, job_offers=3, donations=2, donated_pieces=9)
    p_bare, p_giving = propose(bare, rules.effective), propose(giving, rules.effective)
    assert p_giving.stars == p_bare.stars
    extra = [r for r in p_giving.reasons if not r.scored]
    assert len(extra) == 2 and all(r.met for r in extra)
    assert [r.text for r in p_bare.reasons] == [r.text for r in p_giving.reasons if r.scored]


def test_the_unit_pages_show_them(cast, client_for, django_user_model):
    school = unit(cast)
    _offer(cast, school)
    _donation(cast, school)
    page = client_for(cast.comm_a_sec).get(f"/cobuild/units/{school.pk}/?year=2026")
    body = page.content.decode()
    assert page.status_code == 200
    assert "提供就业岗位 1 个" in body and "向爱心超市捐赠 1 次、10 件，价值 300.00 元" in body
    api = client_for(cast.comm_a_sec).get(f"/api/v1/cobuild/units?org={cast.comm_a.pk}&year=2026")
    assert api.status_code == 200, api.content[:300]
    (row,) = [r for r in api.json() if r["id"] == school.pk]
    assert any("提供就业岗位 1 个" in r["text"] for r in row["reasons"])


def test_the_cobuild_pages_cost_the_same_for_few_and_many_giving_units(cast, client_for):
    c = client_for(cast.comm_a_sec)
    first = unit(cast, "单位0")
    _offer(cast, first)
    _donation(cast, first)
    activity(cast, [first], is_deed=True)
    urls = (
        f"/cobuild/?org={cast.comm_a.pk}&year=2026",
        f"/cobuild/stars/assessment/?org={cast.comm_a.pk}&year=2026",
        f"/cobuild/units/{first.pk}/?year=2026",
        f"/api/v1/cobuild/units?org={cast.comm_a.pk}&year=2026",
    )
    few = {}
    for url in urls:
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        few[url] = len(ctx.captured_queries)
    for i in range(1, 12):
        u = unit(cast, f"单位{i}")
        _offer(cast, u)
        _donation(cast, u)
        activity(cast, [u], is_volunteer_service=True)
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(url)
            if r.streaming:
                b"".join(r.streaming_content)
        assert len(ctx.captured_queries) == few[url], url


def test_the_assessment_export_gives_them_among_the_reasons(cast, client_for):
    from tests.exports_helpers import sheets

    school = unit(cast)
    _offer(cast, school)
    _donation(cast, school)
    r = client_for(cast.comm_a_sec).get(
        f"/cobuild/stars/assessment/?org={cast.comm_a.pk}&year=2026"
    )
    cells = " ".join(str(c) for rows in sheets(r).values() for row in rows for c in row if c)
    assert "提供就业岗位 1 个" in cells and "向爱心超市捐赠 1 次" in cells
