"""党费 pages: the month's list with one-click payment, a member's page, the ledgers read back,
the member's own dues, query counts, and community B seeing nothing of A."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.utils import timezone
from openpyxl import load_workbook

from dangjian.dues import services
from dangjian.dues.models import Payment
from tests.factories import make_member


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


_births = iter(range(10_000))


def _birth() -> dt.date:
    """A different birth date for every member made here: fictitious IDs never collide."""
    i = next(_births)
    return dt.date(1950 + i % 30, 1 + i % 12, 1 + i % 28)


def _setup(cast, n=1, base="4000"):
    out = []
    for i in range(n):
        m = make_member(
            org=cast.branch_a,
            name=f"交费人{i}",
            birth_date=_birth(),
            joined_on=dt.date(2015, 1, 1),
        )
        services.base_set(
            acting_user=cast.comm_a_sec,
            member=m,
            kind="in_service",
            base=base,
            from_month=dt.date(2026, 1, 1),
        )
        out.append(m)
    return out


def test_a_secretary_marks_a_members_month_paid_from_the_list(cast, client_for):
    (m,) = _setup(cast)
    c = client_for(cast.comm_a_sec)
    month = timezone.localdate().strftime("%Y-%m")
    body = _text(c.get(f"/dues/?org={cast.branch_a.pk}&month={month}"))
    assert "交费人0" in body and "未交" in body
    r = c.post(
        "/dues/pay/",
        {
            "member": m.pk,
            "first_month": month,
            "months": "1",
            "next": f"/dues/?org={cast.branch_a.pk}",
        },
        follow=True,
    )
    assert "已登记 交费人0 交纳党费 40.00 元（1 个月），收据号" in _text(r)
    assert Payment.objects.get().amount_paid == 40
    assert "本月已交 1 人，合计 40.00 元。" in _text(r)  # over every page, not this one


def test_paying_a_paid_month_again_says_so_and_changes_nothing(cast, client_for):
    (m,) = _setup(cast)
    c = client_for(cast.comm_a_sec)
    c.post("/dues/pay/", {"member": m.pk, "first_month": "2026-03", "months": "2"})
    r = c.post("/dues/pay/", {"member": m.pk, "first_month": "2026-04", "months": "1"}, follow=True)
    assert "已经交过" in _text(r) and Payment.objects.count() == 1


def test_the_year_ledger_reads_back_with_totals(cast, client_for):
    (m,) = _setup(cast)
    services.payment_record(
        acting_user=cast.comm_a_sec, member=m, first_month=dt.date(2026, 1, 1), months=2
    )
    r = client_for(cast.comm_a_sec).get(f"/dues/export/?org={cast.branch_a.pk}&year=2026")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    header = [c.value for c in ws[2]]
    assert header[:5] == ["姓名", "所在支部", "交纳类别", "基数（元）", "1月"] and header[-2:] == [
        "应交合计",
        "未交月数",
    ]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "交费人0")
    assert row[4:7] == ("40.00", "40.00", "欠40.00") and row[-2:] == (480, 10)


def test_a_member_sees_their_own_dues_only(cast, client_for):
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=cast.member_a,
        kind="retired",
        base="2000",
        from_month=dt.date(2026, 1, 1),
    )
    c = client_for(cast.member_user)
    body = _text(c.get("/dues/mine/"))
    assert "我的党费" in body and "10.00" in body
    assert c.get("/dues/", follow=True).request["PATH_INFO"] == "/dues/mine/"
    other = _setup(cast)[0]
    assert c.get(f"/dues/members/{other.pk}/").status_code == 404


def test_the_month_list_query_count_does_not_grow(cast, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(cast.comm_a_sec)
    url = f"/dues/?org={cast.branch_a.pk}&month=2026-03"
    _setup(cast, 5)
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    _setup(cast, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        c.get(url)


def test_community_b_sees_nothing(cast, client_for):
    (m,) = _setup(cast)
    other = client_for(cast.comm_b_sec)
    assert "交费人0" not in _text(other.get("/dues/"))
    assert other.get(f"/dues/members/{m.pk}/").status_code == 404
    assert (
        other.post(
            "/dues/pay/", {"member": m.pk, "first_month": "2026-03", "months": "1"}
        ).status_code
        == 404
    )
    assert not Payment.objects.exists()
