"""Cadence pages, export and API: what a secretary sees, what an outsider does not, and the
number of queries staying the same however many organisations and meetings there are."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org
from tests.meetings.factories import make_meeting

D = dt.date
BACKEND = "dangjian.accounts.backends.ModelBackend"


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend=BACKEND)
        return c

    return make


def _xlsx_text(response) -> str:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_the_grid_shows_each_rule_with_its_source_and_the_meetings_of_done_periods(
    cast, client_for
):
    m = make_meeting(
        org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 3, 31), topic="一季度大会"
    )
    r = client_for(cast.comm_a_sec).get(f"/meetings/cadence/?org={cast.branch_a.pk}&year=2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert "文化东路第一楼栋党支部" in html and "2025 年组织生活按期召开情况" in html
    assert "支部党员大会" in html and "《中国共产党支部工作条例（试行）》（2018） 第十一条" in html
    assert "3月31日" in html and "逾期" in html and "有逾期" in html
    try:
        link = reverse("meetings:detail", args=[m.pk])
    except NoReverseMatch:
        link = None
    if link:
        assert f'href="{link}"' in html
    # a branch of one member has no committee: the line says so
    assert "不设支部委员会，此项不适用" in html


def test_without_an_organisation_the_page_shows_the_users_top_organisation(cast, client_for):
    html = client_for(cast.comm_a_sec).get("/meetings/cadence/").content.decode()
    assert "文化东路社区党委" in html and "社区党建联席会" in html
    assert client_for(cast.outsider).get("/meetings/cadence/").status_code == 404


def test_the_rollup_shows_totals_of_every_organisation_filters_and_pages(cast, client_for):
    for i in range(55):
        make_org(parent=cast.comm_a2, kind=OrgKind.GROUP, name=f"测试小组{i:02d}")
    c = client_for(cast.street_sec)
    r = c.get(f"/meetings/cadence/rollup/?org={cast.street_a.pk}&year=2025")
    assert r.status_code == 200
    page = r.context["page"]
    assert page.paginator.count == 61 and len(page.object_list) == 50
    assert r.context["result"].totals == {"red": 61, "amber": 0, "green": 0}
    assert "第 1 / 2 页" in r.content.decode()
    green = c.get(f"/meetings/cadence/rollup/?org={cast.street_a.pk}&year=2025&light=green")
    assert green.context["page"].paginator.count == 0
    assert green.context["result"].totals["red"] == 61
    by_name = c.get(f"/meetings/cadence/rollup/?org={cast.street_a.pk}&year=2025&sort=name")
    assert by_name.context["rows"][0]["r"].org == cast.street_a


def test_the_export_holds_every_organisation_and_is_recorded(cast, client_for):
    before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
    r = client_for(cast.comm_a_sec).get(
        f"/meetings/cadence/rollup/export/?org={cast.comm_a.pk}&year=2025"
    )
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    text = _xlsx_text(r)
    assert "文化东路离退休党支部" in text and "1号楼1单元党小组" in text and "有逾期" in text
    assert "迎宾路" not in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("at")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == before + 1
    assert entry.changes["rows"] == 4 and entry.actor == cast.comm_a_sec


def test_the_api_gives_the_grid_and_the_rollup(cast, client_for):
    make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 3, 31))
    c = client_for(cast.comm_a_sec)
    grid = c.get(f"/api/v1/meetings/cadence/{cast.branch_a.pk}?year=2025").json()
    general = next(x for x in grid["lines"] if x["check"] == "meeting.branch_general")
    assert general["cells"][0]["status"] == "done"
    assert general["cells"][0]["meetings"][0]["date"] == "2025-03-31"
    assert general["source"].endswith("第十一条") and grid["light"] == "red"
    rollup = c.get(f"/api/v1/meetings/cadence/rollup/{cast.comm_a.pk}?year=2025&light=red").json()
    assert rollup["totals"]["red"] == 4 and rollup["count"] == 4
    assert {x["org_name"] for x in rollup["items"]} >= {
        "文化东路第一楼栋党支部",
        "1号楼1单元党小组",
    }
    assert (
        c.get(f"/api/v1/meetings/cadence/rollup/{cast.comm_a.pk}?light=purple").status_code == 400
    )


def test_another_community_gets_404_through_page_export_and_api_and_nothing_is_recorded(
    cast, client_for
):
    c = client_for(cast.comm_b_sec)
    audit = AuditEntry.objects.count()
    for org in (cast.comm_a, cast.branch_a, cast.street_a, 987654321):
        pk = getattr(org, "pk", org)
        assert c.get(f"/meetings/cadence/?org={pk}").status_code == 404
        assert c.get(f"/meetings/cadence/rollup/?org={pk}").status_code == 404
        assert c.get(f"/meetings/cadence/rollup/export/?org={pk}").status_code == 404
        assert c.get(f"/api/v1/meetings/cadence/{pk}").status_code == 404
        assert c.get(f"/api/v1/meetings/cadence/rollup/{pk}").status_code == 404
    assert AuditEntry.objects.count() == audit
    own = c.get(f"/meetings/cadence/rollup/?org={cast.comm_b.pk}").content.decode()
    assert "迎宾路第一党支部" in own and "文化东路" not in own


def test_the_street_rollup_leaves_out_what_the_street_does_not_reach(cast, client_for):
    html = client_for(cast.street_sec).get("/meetings/cadence/rollup/").content.decode()
    assert "文化东路社区党委" in html and "团结路社区党总支" in html
    assert "迎宾路" not in html and "示例县委" not in html


# ---- queries constant in organisations and meetings -------------------------------------------
def _grow(cast, n_orgs: int, meetings_each: int) -> None:
    """``n_orgs`` branches under 团结路社区 with members and a year of meetings each."""
    today = timezone.localdate()
    rows = []
    for i in range(n_orgs):
        org = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH, name=f"增长支部{i}")
        if i % 5 == 0:
            make_member(org=org)
        for j in range(meetings_each):
            rows.append(
                Meeting(
                    org=org,
                    kind=(MeetingKind.THEME_DAY, MeetingKind.BRANCH_GENERAL)[j % 2],
                    date=today - dt.timedelta(days=3 * j),
                    topic="例会",
                )
            )
    Meeting.objects.bulk_create(rows)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/cadence/rollup/?org={street}",
        "/meetings/cadence/rollup/?org={street}&page=2",
        "/meetings/cadence/rollup/export/?org={street}",
        "/api/v1/meetings/cadence/rollup/{street}",
        "/meetings/cadence/?org={comm}",
        "/api/v1/meetings/cadence/{comm}",
    ],
)
def test_queries_do_not_grow_with_organisations_or_meetings(
    cast, client_for, django_assert_num_queries, url
):
    url = url.format(street=cast.street_a.pk, comm=cast.comm_a2.pk)
    c = client_for(cast.street_sec)
    _grow(cast, 5, 2)
    c.get(url)  # the session's first request may differ
    small = _count(c, url)
    _grow(cast, 45, 60)
    with django_assert_num_queries(small):
        assert c.get(url).status_code == 200
