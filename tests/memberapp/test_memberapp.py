"""The member's phone app (/m/): the member's own record, coming meetings, notices and dues; the
offline queue's endpoints; the manifest, icons and service worker; the privacy headers."""

from __future__ import annotations

import datetime as dt
import json
import struct
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.commitments.models import Commitment
from dangjian.commitments.models import State as CState
from dangjian.core.models import AuditEntry
from dangjian.dues import services as dues
from dangjian.dues.months import month_of
from dangjian.meetings.models import LeaveRequest, LeaveState, Meeting
from dangjian.notices.models import Audience, Notice
from tests.factories import make_member
from tests.meetings.factories import make_meeting

TODAY = timezone.localdate


@pytest.fixture
def world(cast):
    today = TODAY()
    soon = make_meeting(
        org=cast.branch_a,
        date=today + dt.timedelta(days=5),
        topic="下周支部党员大会",
        host="王主持",
    )
    other = make_meeting(
        org=cast.branch_b, date=today + dt.timedelta(days=5), topic="迎宾路支部会议"
    )
    Notice.objects.create(
        org=cast.comm_a,
        audience=Audience.MEMBERS,
        to_org=cast.comm_a,
        title="关于开展志愿服务的通知",
        body="请大家自愿报名。",
        publish_on=today,
    )
    Notice.objects.create(
        org=cast.comm_b,
        audience=Audience.MEMBERS,
        to_org=cast.comm_b,
        title="迎宾路社区的通知",
        body="别的社区。",
        publish_on=today,
    )
    neighbour = make_member(org=cast.branch_a, name="邻居赵六")
    return {"soon": soon, "other": other, "neighbour": neighbour}


def _page(c: Client) -> str:
    r = c.get("/m/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_page_shows_the_members_own_things_and_nothing_of_others(cast, client_for, world):
    today = TODAY()
    dues.base_set(
        acting_user=cast.branch_sec,
        member=cast.member_a,
        kind="retired",
        base="3000",
        from_month=dt.date(today.year, 1, 1),
    )
    html = _page(client_for(cast.member_user))
    assert "张三" in html and "文化东路第一楼栋党支部" in html
    assert cast.member_a.id_masked in html
    assert cast.member_a.id_masked.count("*") >= 8  # masked, never the full number
    assert "下周支部党员大会" in html and "王主持" in html
    assert "关于开展志愿服务的通知" in html
    assert f"今年还有 {today.month} 个月未交" in html
    assert 'data-rendered-at="' in html and "更新于" in html
    assert 'rel="manifest"' in html
    for foreign in (
        "迎宾路支部会议",
        "迎宾路社区的通知",
        "李四",
        "邻居赵六",
        cast.member_b.id_masked,
    ):
        assert foreign not in html, foreign
    assert "确认已读" not in html and "已读" not in html  # no read receipts (§14)


def test_the_home_page_sends_a_plain_member_to_the_phone_page(cast, client_for):
    r = client_for(cast.member_user).get("/")
    assert r.status_code == 302 and r["Location"] == "/m/"


def test_a_user_without_a_member_record_gets_a_friendly_page(cast, client_for):
    r = client_for(cast.outsider).get("/m/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="no-member"' in html and "没有关联党员档案" in html


def test_an_anonymous_visitor_is_sent_to_the_login_page(cast):
    r = Client().get("/m/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [1, 8])
def test_the_page_costs_the_same_for_1_and_8_rows(
    cast, client_for, django_assert_max_num_queries, rows
):
    today = TODAY()
    for i in range(rows):
        make_meeting(org=cast.branch_a, date=today + dt.timedelta(days=i + 1), host=f"主持{i}")
        Notice.objects.create(
            org=cast.comm_a,
            audience=Audience.MEMBERS,
            to_org=cast.branch_a,
            title=f"通知{i}",
            body="正文",
            publish_on=today,
        )
    c = client_for(cast.member_user)
    c.get("/m/")
    with django_assert_max_num_queries(16):
        html = _page(c)
    assert html.count('class="m-meeting"') == rows


# ---- the offline queue's endpoints -----------------------------------------------------------
def _json(c: Client, url: str, data: dict) -> tuple[int, dict]:
    r = c.post(url, data, HTTP_ACCEPT="application/json")
    return r.status_code, json.loads(r.content)


def test_a_leave_request_is_sent(cast, client_for, world):
    c = client_for(cast.member_user)
    status, body = _json(c, "/m/sync/leave/", {"meeting": world["soon"].pk, "reason": "住院"})
    assert status == 200 and body["ok"] and "请假已提交" in body["message"]
    leave = LeaveRequest.objects.get(meeting=world["soon"], member=cast.member_a)
    assert leave.state == LeaveState.PENDING and leave.reason == "住院"
    assert AuditEntry.objects.filter(object_id=str(leave.pk)).exists()
    # the same again (the queue sent twice): a conflict, with the reason, nothing new
    status, body = _json(c, "/m/sync/leave/", {"meeting": world["soon"].pk, "reason": "住院"})
    assert status == 409 and not body["ok"] and "已经为这次会议请过假" in body["message"]
    assert LeaveRequest.objects.filter(member=cast.member_a).count() == 1


def test_a_meeting_cancelled_meanwhile_is_a_conflict_with_its_reason(cast, client_for, world):
    Meeting.objects.filter(pk=world["soon"].pk).update(cancelled=True)
    status, body = _json(
        client_for(cast.member_user), "/m/sync/leave/", {"meeting": world["soon"].pk, "reason": "x"}
    )
    assert (
        status == 409 and "会议已取消" in body["message"] and "下周支部党员大会" in body["message"]
    )
    assert not LeaveRequest.objects.exists()


def test_a_meeting_over_meanwhile_is_a_conflict(cast, client_for):
    past = make_meeting(org=cast.branch_a, date=TODAY() - dt.timedelta(days=1))
    status, body = _json(
        client_for(cast.member_user), "/m/sync/leave/", {"meeting": past.pk, "reason": "x"}
    )
    assert status == 409 and "已经召开" in body["message"]


def test_an_empty_reason_is_bad_input(cast, client_for, world):
    status, body = _json(
        client_for(cast.member_user), "/m/sync/leave/", {"meeting": world["soon"].pk, "reason": " "}
    )
    assert status == 400 and "请填写请假原因" in body["message"]


def test_another_members_meeting_is_a_404_that_says_nothing(cast, client_for, world):
    for meeting in (world["other"].pk, 987654321, "abc"):
        status, body = _json(
            client_for(cast.member_user), "/m/sync/leave/", {"meeting": meeting, "reason": "x"}
        )
        assert status == 404 and "迎宾路" not in body["message"]
    assert not LeaveRequest.objects.exists()
    status, _body = _json(
        client_for(cast.comm_b_sec), "/m/sync/leave/", {"meeting": world["other"].pk, "reason": "x"}
    )
    assert status == 404


def test_the_endpoints_need_the_csrf_token(cast, world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(cast.member_user, backend="dangjian.accounts.backends.ModelBackend")
    data = {"meeting": world["soon"].pk, "reason": "住院"}
    assert c.post("/m/sync/leave/", data, HTTP_ACCEPT="application/json").status_code == 403
    assert (
        c.post("/m/sync/commitment/", {"kind": "post", "title": "t", "content": "c"}).status_code
        == 403
    )
    assert not LeaveRequest.objects.exists()
    c.get("/m/")  # sets the csrftoken cookie
    token = c.cookies["csrftoken"].value
    r = c.post("/m/sync/leave/", data, HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200


def test_a_commitment_draft_is_saved(cast, client_for):
    c = client_for(cast.member_user)
    status, body = _json(
        c, "/m/sync/commitment/", {"kind": "post", "title": "帮助独居老人", "content": "每周一次"}
    )
    assert status == 200 and body["ok"]
    draft = Commitment.objects.get(member=cast.member_a)
    assert draft.state == CState.DRAFT and draft.title == "帮助独居老人"
    status, body = _json(c, "/m/sync/commitment/", {"kind": "post", "title": "", "content": "x"})
    assert status == 400 and "请填写承诺事项" in body["message"]
    status, _b = _json(
        client_for(cast.outsider),
        "/m/sync/commitment/",
        {"kind": "post", "title": "t", "content": "c"},
    )
    assert status == 404
    assert Commitment.objects.count() == 1


def test_a_plain_form_post_without_script_goes_back_to_the_page(cast, client_for, world):
    r = client_for(cast.member_user).post(
        "/m/sync/commitment/", {"kind": "deed", "title": "修理路灯", "content": "本月内"}
    )
    assert r.status_code == 302 and r["Location"] == "/m/"


# ---- installable app ------------------------------------------------------------------------
def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_icons_that_exist(cast, client):
    r = client.get("/m/manifest.webmanifest")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/manifest+json")
    m = json.loads(r.content)
    assert m["start_url"] == "/m/" and m["scope"] == "/m/" and m["display"] == "standalone"
    assert "党员之家" in m["name"] and m["theme_color"] == "#b71c1c"
    pngs = [i for i in m["icons"] if i["type"] == "image/png"]
    assert {(i["sizes"], i.get("purpose", "any")) for i in pngs} >= {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    for icon in m["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200, icon["src"]
        data = b"".join(got.streaming_content) if got.streaming else got.content
        if icon["type"] == "image/png":
            assert got["Content-Type"] == "image/png"
            size = int(icon["sizes"].split("x")[0])
            assert _png_size(data) == (size, size)
        else:
            assert got["Content-Type"].startswith("image/svg+xml") and b"<svg" in data


def test_the_service_worker_is_served_from_m_with_its_headers(cast, client):
    r = client.get("/m/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/m/"
    assert r["Cache-Control"] == "no-cache"
    js = r.content.decode()
    assert "/*SETTINGS*/ {}" not in js and '"version": "' in js
    assert '"scope": "/m/"' in js and "/static/dangjian/m/app.js" in js


# ---- privacy ---------------------------------------------------------------------------------
def test_logging_out_clears_the_site_data(cast, client_for):
    r = client_for(cast.member_user).post("/accounts/logout/")
    assert r.status_code == 302
    assert r["Clear-Site-Data"] == '"cache", "storage"'


def test_a_logged_in_users_pages_are_never_kept_in_the_http_cache(cast, client_for):
    c = client_for(cast.comm_a_sec)
    for url in ("/", "/members/", "/m/"):
        assert c.get(url)["Cache-Control"] == "private, no-store", url
    assert Client().get("/accounts/login/").get("Cache-Control", "") != "private, no-store"


def test_dues_owed_amounts_to_the_months_unpaid(cast, client_for):
    from dangjian.memberapp.selectors import dues_owed

    today = TODAY()
    dues.base_set(
        acting_user=cast.branch_sec,
        member=cast.member_a,
        kind="flat",
        base=None,
        from_month=dt.date(today.year, 1, 1),
    )
    owed = dues_owed(user=cast.member_user, member=cast.member_a, today=today)
    assert owed.count == today.month and owed.months[-1] == month_of(today)
    assert owed.amount == Decimal("0.20") * today.month
