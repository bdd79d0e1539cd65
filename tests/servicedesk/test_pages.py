"""Pages, the resident's link, the reveal, ledgers, figures, 待办 and query counts."""

import datetime as dt
import io
import re

import pytest
from django.core import signing
from openpyxl import load_workbook

from dangjian.commitments.services_board import _answer_hash  # noqa: F401 - same question
from dangjian.core.models import AuditEntry
from dangjian.servicedesk import services
from dangjian.servicedesk.models import Request, State


def _answer(html: str) -> str:
    a, b = re.search(r"(\d) \+ (\d) = \?", html).groups()
    return str(int(a) + int(b))


def _done(req, cast):
    for a in ("assign", "start", "finish"):
        req = services.request_step(
            req,
            action=a,
            acting_user=cast.comm_a_sec,
            version=req.version,
            user=cast.comm_a_sec if a == "assign" else None,
            result="已办好",
        )
    return req


def test_a_resident_files_from_the_public_page_and_rates_once(client, cast, receive):
    url = f"/servicedesk/public/{cast.comm_a.code}/new/"
    page = client.get(url).content.decode()
    token = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    r = client.post(
        url,
        {
            "category": "repair",
            "resident_name": "李奶奶",
            "phone": "13900001111",
            "content": "楼道灯坏了",
            "challenge": token,
            "answer": _answer(page),
        },
    )
    assert r.status_code == 302
    req = Request.objects.get()
    assert req.channel == "public" and req.created_by is None
    receipt = client.get(r["Location"]).content.decode()
    assert req.number in receipt and "李奶奶" not in receipt and "1390000" not in receipt
    # the same question cannot be replayed
    r2 = client.post(
        url,
        {
            "category": "repair",
            "resident_name": "x",
            "phone": "13900001111",
            "content": "x",
            "challenge": token,
            "answer": _answer(page),
        },
    )
    assert r2.status_code == 200 and "用过" in r2.content.decode()
    _done(req, cast)
    client.post(r["Location"], {"satisfaction": "4", "note": "很好"})
    req.refresh_from_db()
    assert (req.state, req.satisfaction, req.rated_by_resident) == (State.CLOSED, 4, True)
    # replay: refused, nothing changes
    tok = r["Location"].rstrip("/").split("/")[-1]
    with pytest.raises(Exception, match="已经评价过"):
        services.request_rate_by_link(pk=req.pk, token=tok, satisfaction=1)
    req.refresh_from_db()
    assert req.satisfaction == 4


def test_a_forged_or_borrowed_link_is_refused(client, cast, receive):
    a, b = receive(), receive()
    tok_a = services.rating_token(a)
    assert client.get(f"/servicedesk/public/r/{b.pk}/{tok_a}/").status_code == 404  # other salt
    forged = signing.dumps({"r": b.pk}, salt="wrong")
    assert "无效" in client.get(f"/servicedesk/public/r/{b.pk}/{forged}/").content.decode()
    with pytest.raises(Exception, match="无效"):
        services.request_rate_by_link(pk=b.pk, token=tok_a, satisfaction=5)


def test_rating_before_done_is_refused_and_the_link_stays_usable(cast, receive):
    req = receive()
    tok = services.rating_token(req)
    with pytest.raises(Exception, match="办结后"):
        services.request_rate_by_link(pk=req.pk, token=tok, satisfaction=5)
    _done(req, cast)
    assert services.request_rate_by_link(pk=req.pk, token=tok, satisfaction=5).state == "closed"


def test_phone_is_masked_and_each_reveal_is_audited(client_for, cast, receive):
    req = receive()
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/servicedesk/{req.pk}/").content.decode()
    assert "138****1234" in page and "13812341234" not in page
    r = c.post(f"/servicedesk/{req.pk}/reveal-phone/")
    assert "13812341234" in r.content.decode()
    assert AuditEntry.objects.filter(action="reveal", field="phone").count() == 1
    assert "13812341234" not in c.get("/servicedesk/").content.decode()


def test_the_list_puts_overdue_first_and_costs_the_same_for_1_or_10_rows(
    client_for, cast, receive, django_assert_max_num_queries
):
    c = client_for(cast.comm_a_sec)
    old = dt.date.today() - dt.timedelta(days=30)
    receive(content="新的")
    late = receive(content="超时的", received_on=old)
    with django_assert_max_num_queries(14):
        page = c.get(f"/servicedesk/?org={cast.comm_a.pk}&start={old}").content.decode()
    assert page.index(late.number) < page.index("新的")
    for _i in range(8):
        receive()
    with django_assert_max_num_queries(14):
        c.get(f"/servicedesk/?org={cast.comm_a.pk}&start={old}")
    with django_assert_max_num_queries(14):
        c.get(f"/servicedesk/export/?org={cast.comm_a.pk}&start={old}")
    assert (
        c.get(f"/servicedesk/?org={cast.comm_a.pk}&state=overdue&start={old}")
        .content.decode()
        .count("FW")
        == 1
    )


def test_ledgers_export_masked_by_org_and_period(client_for, cast, receive):
    req = receive()
    services.document_add(
        req,
        acting_user=cast.comm_a_sec,
        name="户口本",
        office="派出所",
        taken_in_on=dt.date.today(),
    )
    c = client_for(cast.comm_a_sec)
    for url, word in (
        ("/servicedesk/export/", "138****1234"),
        ("/servicedesk/export/errands/", "户口本"),
    ):
        r = c.get(f"{url}?org={cast.comm_a.pk}")
        wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
        text = " ".join(str(x.value) for row in wb.active.iter_rows() for x in row if x.value)
        assert word in text and "13812341234" not in text
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_errand_documents_need_sane_dates(cast, receive):
    req = receive()
    today = dt.date.today()
    with pytest.raises(Exception, match="收取日期"):
        services.document_add(
            req,
            acting_user=cast.comm_a_sec,
            name="身份证",
            taken_in_on=today + dt.timedelta(days=1),
        )
    doc = services.document_add(req, acting_user=cast.comm_a_sec, name="身份证", taken_in_on=today)
    with pytest.raises(Exception, match="交还日期"):
        services.document_hand_back(
            doc, acting_user=cast.comm_a_sec, handed_back_on=today - dt.timedelta(days=1)
        )
    assert (
        services.document_hand_back(
            doc, acting_user=cast.comm_a_sec, handed_back_on=today
        ).handed_back_on
        == today
    )
    with pytest.raises(Exception, match="已登记交还"):
        services.document_hand_back(doc, acting_user=cast.comm_a_sec, handed_back_on=today)


def test_monthly_figures_page_and_api(client_for, cast, receive):
    req = _done(receive(), cast)
    services.request_step(req, action="visit", acting_user=cast.comm_a_sec, version=req.version)
    c = client_for(cast.comm_a_sec)
    assert "便民服务月度统计" in c.get(f"/servicedesk/stats/?org={cast.comm_a.pk}").content.decode()
    year = dt.date.today().year
    rows = c.get(f"/api/v1/servicedesk/stats?org={cast.comm_a.pk}&year={year}").json()
    m = rows[dt.date.today().month - 1]
    assert m["received"] == 1 and m["closed"] == 1 and m["median_days"] == 0.0


def test_home_todo_counts_overdue_requests(cast, receive):
    from dangjian.servicedesk.todos import todos

    today = dt.date.today()
    receive(received_on=today - dt.timedelta(days=30))
    receive()
    items = todos(user=cast.comm_a_sec, org=cast.comm_a, today=today)
    assert items[0].count == 1
    assert todos(user=cast.comm_b_sec, org=cast.comm_a, today=today) == []


def test_the_deadline_boundary_counts_overdue_only_after_the_day(cast, receive):
    from dangjian.servicedesk.selectors import overdue_count

    req = receive()
    assert overdue_count(user=cast.comm_a_sec, community=cast.comm_a, today=req.deadline) == 0
    assert (
        overdue_count(
            user=cast.comm_a_sec, community=cast.comm_a, today=req.deadline + dt.timedelta(days=1)
        )
        == 1
    )


def test_api_steps_and_conflict(client_for, cast, receive):
    req = receive()
    c = client_for(cast.comm_a_sec)
    url = f"/api/v1/servicedesk/{req.pk}/steps"
    ok = c.post(
        url,
        {"action": "assign", "version": 1, "user_id": cast.comm_a_sec.pk},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "assigned"
    late = c.post(
        url,
        {"action": "transfer", "version": 1, "reason": "x", "department": "y"},
        content_type="application/json",
    )
    assert late.status_code == 400 and "请刷新" in late.json()["detail"]
    assert client_for(cast.comm_b_sec).get(f"/api/v1/servicedesk/{req.pk}").status_code == 404
