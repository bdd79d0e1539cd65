"""The six-month list's page, export, handling form and API: who may see it, what it shows,
audit, and constant queries."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.services import token_issue
from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import NoLifeCase, NoLifeHandling
from dangjian.meetings.services import Mark
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_as(user) -> Client:
    c = Client()
    c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
    return c


def bearer(user) -> dict[str, str]:
    _t, key = token_issue(user=user, name="测试", acting_user=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def missed(cast):
    """张三 was absent from a branch meeting 30 days ago."""
    m = make_meeting(org=cast.branch_a, date=TODAY - dt.timedelta(days=30), topic="十月党员大会")
    services.attendance_record(
        meeting=m, marks=[Mark(status="absent", member_id=cast.member_a.pk)], acting_user=None
    )
    return m


def test_the_secretary_sees_the_list_with_the_missed_meeting_and_the_art_9_wording(cast, missed):
    r = client_as(cast.comm_a_sec).get(f"/meetings/no-life/?org={cast.branch_a.pk}")
    text = r.content.decode()
    assert r.status_code == 200
    assert "张三" in text and "十月党员大会" in text and "从未" in text
    assert "第九条" in text and "自行脱党" in text and "尚未处理" in text


def test_without_org_the_page_shows_the_users_top_organisation(cast, missed):
    r = client_as(cast.comm_a_sec).get("/meetings/no-life/")
    assert r.status_code == 200 and cast.comm_a.name in r.content.decode()
    assert "张三" in r.content.decode()


def test_recording_handling_is_audited_and_shown_on_the_list(cast, missed):
    c = client_as(cast.comm_a_sec)
    url = f"/meetings/no-life/{cast.branch_a.pk}/handle/{cast.member_a.pk}/"
    page = c.get(url)
    assert page.status_code == 200 and "十月党员大会" in page.content.decode()
    r = c.post(url, {"handling": "talk", "handled_on": TODAY.isoformat(), "note": "已上门谈话"})
    assert r.status_code == 302
    case = NoLifeCase.objects.get(member=cast.member_a)
    assert case.org == cast.branch_a and case.handling == NoLifeHandling.TALK
    assert case.last_attended is None and case.handled_by == cast.comm_a_sec
    assert AuditEntry.objects.filter(
        object_id=str(case.pk), action=AuditEntry.Action.CREATE
    ).exists()
    text = c.get(f"/meetings/no-life/?org={cast.branch_a.pk}").content.decode()
    assert "谈话提醒" in text and "已上门谈话" in text


def test_the_handling_form_keeps_what_was_typed_and_says_what_is_wrong(cast, missed):
    c = client_as(cast.comm_a_sec)
    url = f"/meetings/no-life/{cast.branch_a.pk}/handle/{cast.member_a.pk}/"
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    r = c.post(url, {"handling": "removal", "handled_on": future, "note": ""})
    text = r.content.decode()
    assert r.status_code == 200
    assert "处理日期不能晚于今天" in text and "请写明情况说明" in text
    assert future in text
    assert not NoLifeCase.objects.exists()


def test_the_export_lists_the_members_and_is_audited(cast, missed):
    r = client_as(cast.comm_a_sec).get(f"/meetings/no-life/export/?org={cast.comm_a.pk}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if c]
    assert "张三" in cells and any("十月党员大会" in str(c) for c in cells)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "member_user"])
def test_another_community_and_a_plain_member_get_nothing(cast, missed, who):
    user = getattr(cast, who)
    c = client_as(user)
    for org in (cast.comm_a, cast.branch_a):
        assert c.get(f"/meetings/no-life/?org={org.pk}").status_code == 404
        assert c.get(f"/meetings/no-life/export/?org={org.pk}").status_code == 404
        url = f"/meetings/no-life/{org.pk}/handle/{cast.member_a.pk}/"
        assert c.get(url).status_code == 404
        assert c.post(url, {"handling": "talk", "handled_on": TODAY}).status_code == 404
        api = Client()
        r = api.get(f"/api/v1/meetings/no-life/{org.pk}", **bearer(user))
        assert r.status_code == 404 and "张三" not in r.content.decode()
        r = api.post(
            f"/api/v1/meetings/no-life/{org.pk}/cases",
            json.dumps({"member_id": cast.member_a.pk, "handling": "talk"}),
            content_type="application/json",
            **bearer(user),
        )
        assert r.status_code == 404
    text = c.get("/meetings/no-life/", follow=True).content.decode()
    assert "张三" not in text and "十月党员大会" not in text
    assert not NoLifeCase.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_community_b_sees_its_own_list(cast):
    r = client_as(cast.comm_b_sec).get(f"/meetings/no-life/?org={cast.comm_b.pk}")
    text = r.content.decode()
    assert r.status_code == 200 and "李四" in text and "张三" not in text


def test_a_viewer_reads_the_list_but_cannot_record(cast, missed):
    from dangjian.accounts.models import Grant
    from dangjian.core.access import forget_scope

    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    c = client_as(cast.outsider)
    text = c.get(f"/meetings/no-life/?org={cast.comm_a.pk}").content.decode()
    assert "张三" in text and "登记处理" not in text
    url = f"/meetings/no-life/{cast.comm_a.pk}/handle/{cast.member_a.pk}/"
    assert c.post(url, {"handling": "talk", "handled_on": TODAY}).status_code == 404


def test_the_api_lists_and_records(cast, missed):
    auth = bearer(cast.comm_a_sec)
    r = Client().get(f"/api/v1/meetings/no-life/{cast.comm_a.pk}", **auth)
    assert r.status_code == 200
    data = r.json()
    row = next(i for i in data["items"] if i["name"] == "张三")
    assert row["last_attended"] is None and row["missed"][0]["topic"] == "十月党员大会"
    assert "第九条" in data["source"]
    r = Client().post(
        f"/api/v1/meetings/no-life/{cast.comm_a.pk}/cases",
        json.dumps({"member_id": cast.member_a.pk, "handling": "deadline", "note": "限一个月"}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    assert r.json()["handling_label"] == "限期改正"
    r = Client().post(
        f"/api/v1/meetings/no-life/{cast.comm_a.pk}/cases",
        json.dumps({"member_id": cast.member_b.pk, "handling": "talk"}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 400 and NoLifeCase.objects.count() == 1


def _queries(client: Client, url: str, **extra) -> int:
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, **extra)
        assert r.status_code == 200
        if getattr(r, "streaming", False):
            b"".join(r.streaming_content)
    return len(ctx.captured_queries)


def _grow(cast, n: int) -> None:
    """n more members in each branch of community A, each with a missed meeting and a case."""
    for branch in (cast.branch_a, cast.branch_a_2):
        people = [make_member(org=branch) for _ in range(n)]
        m = make_meeting(org=branch, date=TODAY - dt.timedelta(days=10 + n))
        services.attendance_record(
            meeting=m,
            marks=[Mark(status="absent", member_id=p.pk) for p in people],
            acting_user=None,
        )
        services.no_life_case_record(
            acting_user=None,
            member=people[0],
            org=branch,
            handling=NoLifeHandling.TALK,
            handled_on=TODAY,
        )


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/no-life/?org={c}",
        "/meetings/no-life/export/?org={c}",
        "/api/v1/meetings/no-life/{c}",
    ],
)
def test_queries_stay_constant_as_members_grow(cast, url):
    c = client_as(cast.comm_a_sec)
    url = url.format(c=cast.comm_a.pk)
    _grow(cast, 5)
    few = _queries(c, url)
    _grow(cast, 45)
    many = _queries(c, url)
    assert few == many
