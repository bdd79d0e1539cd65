"""The list's order (overdue, open by deadline, finished latest first), the QR code on the
resident's receipt, and the grid visit a request came from."""

import datetime as dt
import re
from html import unescape

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.orgs.models import PlaceKind
from dangjian.servicedesk import selectors, services
from dangjian.servicedesk.models import Request, State
from tests.factories import make_place


def _walk(req, cast, actions, today):
    for a in actions:
        req = services.request_step(
            req,
            action=a,
            acting_user=cast.comm_a_sec,
            version=req.version,
            user=cast.comm_a_sec if a == "assign" else None,
            result="已办好",
            reason="不属社区职责",
            department="县民政局",
            satisfaction=5,
            today=today,
        )
    return req


def test_open_requests_come_before_finished_ones(cast, receive, client_for):
    today = timezone.localdate()
    ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    done_early = _walk(
        receive(content="早办结", received_on=ago(40)), cast, ["assign", "start", "finish"], ago(35)
    )
    closed_late = _walk(
        receive(content="晚评价", received_on=ago(20)),
        cast,
        ["assign", "start", "finish", "visit", "rate"],
        ago(2),
    )
    transferred = _walk(receive(content="转办的", received_on=ago(10)), cast, ["transfer"], ago(10))
    open_later = receive(content="时限晚", received_on=today, deadline=today + dt.timedelta(days=9))
    open_sooner = receive(
        content="时限早", received_on=today, deadline=today + dt.timedelta(days=1)
    )
    very_late = receive(content="超时久", received_on=ago(60))
    late = receive(content="刚超时", received_on=ago(30))
    expected = [very_late, late, open_sooner, open_later, transferred, closed_late, done_early]
    # (transferred: received 10 days ago, no 办结 date; closed_late 办结 2 days ago — latest first)
    assert transferred.done_on is None and closed_late.done_on == ago(2)
    qs = selectors.requests_visible(user=cast.comm_a_sec, community=cast.comm_a, today=today)
    got = list(qs)
    assert [r.pk for r in got] == [r.pk for r in sorted(expected, key=lambda r: _key(r, today))]
    assert [r.content for r in got[:4]] == ["超时久", "刚超时", "时限早", "时限晚"]
    assert {r.state for r in got[4:]} <= {State.DONE, State.CLOSED, State.TRANSFERRED}
    # the page shows them in that order
    page = client_for(cast.comm_a_sec).get(f"/servicedesk/?org={cast.comm_a.pk}&start={ago(60)}")
    html = page.content.decode()
    positions = [html.index(r.number) for r in got]
    assert positions == sorted(positions)


def _key(r, today):
    r = Request.objects.get(pk=r.pk)
    is_open = r.state in (State.RECEIVED, State.ASSIGNED, State.IN_PROGRESS)
    if is_open and r.deadline < today:
        return (0, r.deadline.toordinal(), 0)
    if is_open:
        return (1, r.deadline.toordinal(), 0)
    return (2, 0, -(r.done_on or r.received_on).toordinal())


def test_the_receipt_prints_its_link_as_a_qr_code_and_as_text_that_works_once(
    client, cast, receive
):
    req = _walk(receive(), cast, ["assign", "start", "finish"], timezone.localdate())
    url = reverse("servicedesk:public_receipt", args=[req.pk, services.rating_token(req)])
    r = client.get(url)
    html = r.content.decode()
    qr = re.search(r'<figure[^>]*id="receipt-qr".*?</figure>', html, re.S).group(0)
    assert "<svg" in qr and 'class="receipt-qr"' in qr and "<path" in qr
    printed = unescape(re.search(r'id="receipt-url">([^<]+)<', qr).group(1))
    assert printed == f"http://testserver{url}"
    assert "13812341234" not in html and "王大妈" not in html
    # the printed link is the rating link: it works once
    path = printed.removeprefix("http://testserver")
    client.post(path, {"satisfaction": "5"})
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.rated_by_resident
    client.post(path, {"satisfaction": "1"})
    req.refresh_from_db()
    assert req.satisfaction == 5
    again = client.get(path).content.decode()
    assert 'id="rate-form"' not in again and 'id="rated"' in again


def test_the_detail_page_names_the_grid_visit_it_came_from(cast, receive, client_for):
    from dangjian.grid.models import Visit

    req = receive()
    c = client_for(cast.comm_a_sec)
    assert 'id="from-visit"' not in c.get(f"/servicedesk/{req.pk}/").content.decode()
    home = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="302室"
    )
    day = timezone.localdate() - dt.timedelta(days=3)
    visit = Visit.objects.create(
        household=home,
        visited_on=day,
        visitor=cast.comm_a_sec,
        visitor_name="书记",
        follow_up="厨房水管漏水",
        request=req,
    )
    html = c.get(f"/servicedesk/{req.pk}/").content.decode()
    shown = re.search(r'<span class="small" id="from-visit">(.*?)</span>', html, re.S).group(1)
    assert f"来自走访记录 {day:%Y-%m-%d}" in shown
    try:
        link = reverse("grid:visit_detail", args=[visit.pk])
    except NoReverseMatch:
        assert "<a" not in shown
    else:
        assert f'href="{link}"' in shown
