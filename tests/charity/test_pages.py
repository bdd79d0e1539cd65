"""The charity shop's pages and API: the shop, goods in and out through the forms (with the
Chinese messages on bad input), the ledger's filters and query count, the export read back,
a void, and the API's in/out with the same messages."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.charity import services
from dangjian.charity.models import Item, Movement
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import PlaceKind
from tests.factories import make_place


@pytest.fixture
def shop(cast):
    item = services.item_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="食用油", unit="桶"
    )
    services.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=3,
        date=timezone.localdate(),
        donor_kind="resident",
        donor_name="王阿姨",
    )
    hh = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )
    return item, hh


def _stock(item) -> int:
    return Item.objects.get(pk=item.pk).stock


def test_the_shop_shows_each_item_with_its_stock(cast, client_for, shop):
    item, _hh = shop
    page = client_for(cast.comm_a_sec).get(f"/charity/?org={cast.comm_a.pk}").content.decode()
    assert "食用油" in page and 'class="stock">3<' in page and 'id="goods-out"' in page


def test_a_viewer_sees_the_shop_but_no_buttons_to_change_it(cast, client_for, shop):
    from dangjian.accounts.models import Grant

    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    page = client_for(cast.outsider).get(f"/charity/?org={cast.comm_a.pk}").content.decode()
    assert "食用油" in page and 'id="goods-out"' not in page


def test_a_hand_out_through_the_form_lowers_the_stock(cast, client_for, shop):
    item, hh = shop
    r = client_for(cast.comm_a_sec).post(
        f"/charity/out/?org={cast.comm_a.pk}",
        {
            "item": item.pk,
            "quantity": "2",
            "date": timezone.localdate().isoformat(),
            "household": hh.pk,
        },
        follow=True,
    )
    assert "还剩 1 桶" in r.content.decode()
    assert _stock(item) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": "4"}, "库存不足：现有 3 桶"),
        ({"quantity": "0"}, "数量请填大于 0 的整数"),
        ({"quantity": "-2"}, "数量请填大于 0 的整数"),
        ({"household": "987654"}, "受助户须是本社区登记的住户"),
        ({"date": "2999-01-01"}, "日期不能晚于今天"),
        ({"date": "昨天"}, "请按“年-月-日”填写日期"),
    ],
)
def test_bad_input_on_the_hand_out_form_is_told_and_nothing_changes(
    cast, client_for, shop, change, message
):
    item, hh = shop
    body = {
        "item": item.pk,
        "quantity": "1",
        "date": timezone.localdate().isoformat(),
        "household": hh.pk,
    }
    audits = AuditEntry.objects.count()
    r = client_for(cast.comm_a_sec).post(f"/charity/out/?org={cast.comm_a.pk}", {**body, **change})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert _stock(item) == 3 and Movement.objects.count() == 1
    assert AuditEntry.objects.count() == audits


def test_a_donation_through_the_form_raises_the_stock(cast, client_for, shop):
    item, _hh = shop
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/charity/in/?org={cast.comm_a.pk}",
        {
            "item": item.pk,
            "quantity": "2",
            "date": timezone.localdate().isoformat(),
            "donor_kind": "member",
            "donor_member": cast.member_a.pk,
            "value": "80",
        },
    )
    assert r.status_code == 302 and _stock(item) == 5
    r = c.post(
        f"/charity/in/?org={cast.comm_a.pk}",
        {
            "item": item.pk,
            "quantity": "2",
            "date": timezone.localdate().isoformat(),
            "donor_kind": "resident",
            "value": "-5",
        },
    )
    text = r.content.decode()
    assert "价值请填不小于 0 的金额" in text and "请填写捐赠居民的称呼" in text
    assert _stock(item) == 5


def test_an_item_is_added_from_the_shop_page(cast, client_for):
    c = client_for(cast.comm_a_sec)
    c.post(f"/charity/items/new/?org={cast.comm_a.pk}", {"name": "棉被", "unit": "床"})
    assert Item.objects.get(community=cast.comm_a).name == "棉被"
    r = c.post(
        f"/charity/items/new/?org={cast.comm_a.pk}", {"name": "棉被", "unit": "床"}, follow=True
    )
    assert "同名" in r.content.decode() and Item.objects.count() == 1


def test_the_ledger_filters_by_period_item_and_direction(cast, client_for, shop):
    item, hh = shop
    today = timezone.localdate()
    services.goods_out(acting_user=cast.comm_a_sec, item=item, quantity=1, date=today, household=hh)
    other = services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="挂面")
    services.goods_in(
        acting_user=cast.comm_a_sec,
        item=other,
        quantity=1,
        date=today,
        donor_kind="resident",
        donor_name="李大爷",
    )
    c = client_for(cast.comm_a_sec)
    base = f"/charity/ledger/?org={cast.comm_a.pk}&year={today.year}"
    assert "李大爷" in c.get(base).content.decode()
    assert "李大爷" not in c.get(f"{base}&item={item.pk}").content.decode()
    page = c.get(f"{base}&direction=out").content.decode()
    assert "101室" in page and "王阿姨" not in page
    assert (
        "王阿姨"
        not in c.get(
            f"/charity/ledger/?org={cast.comm_a.pk}&year={today.year - 1}"
        ).content.decode()
    )


def test_ledger_export_and_api_queries_do_not_grow_with_rows(
    cast, client_for, shop, django_assert_max_num_queries
):
    item, hh = shop
    today = timezone.localdate()
    c = client_for(cast.comm_a_sec)
    urls = [
        f"/charity/ledger/?org={cast.comm_a.pk}&year={today.year}",
        f"/charity/export/?org={cast.comm_a.pk}&year={today.year}",
        f"/charity/?org={cast.comm_a.pk}",
        f"/api/v1/charity/movements/?org={cast.comm_a.pk}",
        f"/api/v1/charity/items/?org={cast.comm_a.pk}",
    ]
    counts = []
    for u in urls:
        with CaptureQueriesContext(connection) as one:
            assert c.get(u).status_code == 200
        counts.append(len(one))
    for i in range(10):
        it = services.item_create(
            acting_user=cast.comm_a_sec, community=cast.comm_a, name=f"物品{i}"
        )
        services.goods_in(
            acting_user=cast.comm_a_sec,
            item=it,
            quantity=2,
            date=today,
            donor_kind="member",
            donor_member=cast.member_a,
            value="5",
        )
        services.goods_out(
            acting_user=cast.comm_a_sec,
            item=it,
            quantity=1,
            date=today,
            household=hh,
            handed_by_member=cast.member_a,
        )
    for u, n in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(n):
            c.get(u)


def test_the_export_reads_back_and_is_audited(cast, client_for, shop):
    item, hh = shop
    today = timezone.localdate()
    services.goods_out(acting_user=cast.comm_a_sec, item=item, quantity=1, date=today, household=hh)
    r = client_for(cast.comm_a_sec).get(f"/charity/export/?org={cast.comm_a.pk}&year={today.year}")
    rows = list(
        load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True)
    )
    assert "爱心超市台帐" in rows[0][0]
    body = {(row[2], row[3], row[4], row[7] or row[9]) for row in rows[2:]}
    assert body == {("食用油", "入库（捐赠）", 3, "王阿姨"), ("食用油", "发放", 1, "101室")}
    assert AuditEntry.objects.filter(action="export", field="charity.movement").exists()


def test_a_mistake_is_voided_from_its_page(cast, client_for, shop):
    item, _hh = shop
    m = Movement.objects.get()
    c = client_for(cast.comm_a_sec)
    assert 'data-confirm="' in c.get(f"/charity/movements/{m.pk}/").content.decode()
    r = c.post(f"/charity/movements/{m.pk}/void/", {"reason": "登记重复"}, follow=True)
    assert "已冲销" in r.content.decode()
    assert _stock(item) == 0 and Movement.objects.count() == 2
    assert 'id="void-form"' not in c.get(f"/charity/movements/{m.pk}/").content.decode()


def test_the_api_records_in_and_out_with_the_same_messages(cast, client_for, shop):
    item, hh = shop
    c = client_for(cast.comm_a_sec)
    today = timezone.localdate().isoformat()

    def post(kind, **body):
        return c.post(f"/api/v1/charity/movements/{kind}/", body, content_type="application/json")

    r = post("out", item_id=item.pk, quantity=2, date=today, household_id=hh.pk)
    assert r.status_code == 201 and r.json()["stock"] == 1
    r = post("out", item_id=item.pk, quantity=2, date=today, household_id=hh.pk)
    assert r.status_code == 400 and r.json()["detail"] == "库存不足：现有 1 桶"
    r = post("out", item_id=item.pk, quantity=1, date=today, household_id=987654)
    assert r.status_code == 400 and "受助户" in r.json()["detail"]
    r = post("in", item_id=item.pk, quantity=-1, date=today, donor_kind="resident", donor_name="王")
    assert r.status_code == 400 and "数量" in r.json()["detail"]
    r = post("in", item_id=item.pk, quantity=4, date=today, donor_kind="resident", donor_name="王")
    assert r.status_code == 201 and r.json()["stock"] == 5
    items = c.get(f"/api/v1/charity/items/?org={cast.comm_a.pk}").json()["items"]
    assert [(i["name"], i["stock"]) for i in items] == [("食用油", 5)]
    moves = c.get(f"/api/v1/charity/movements/?org={cast.comm_a.pk}&direction=out").json()["items"]
    assert [(m["quantity"], m["household"]) for m in moves] == [(2, "101室")]


def test_a_plain_member_finds_no_shop(cast, client_for, shop):
    page = client_for(cast.member_user).get("/charity/").content.decode()
    assert "食用油" not in page and "工作人员" in page
    assert client_for(cast.member_user).get("/charity/ledger/").status_code == 404


def test_a_street_reads_the_ledger_of_its_communities_and_another_street_gets_404(
    cast, client_for, shop
):
    year = timezone.localdate().year
    url = f"/charity/ledger/?org={cast.street_a.pk}&year={year}"
    page = client_for(cast.street_sec).get(url).content.decode()
    assert "王阿姨" in page and "文化东路社区党委" in page
    r = client_for(cast.street_sec).get(f"/charity/export/?org={cast.street_a.pk}&year={year}")
    assert r.status_code == 200
    assert client_for(cast.comm_b_sec).get(url).status_code == 404
