"""Body pages: list, create/edit, seats added/changed/ended (audited), attendance matrix, the
criticism notices page and its export, a resident unit's page with its eligibility banner;
constant queries and access."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.meetings import services, services_bodies
from dangjian.meetings.models import Body, BodyKind, MeetingKind, Seat
from dangjian.meetings.services import Mark

from .factories import make_body, make_meeting, make_seat, make_unit
from .test_meetings_pages import count_queries

pytestmark = pytest.mark.django_db
D = dt.date


def client_as(user) -> Client:
    c = Client()
    c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
    return c


def council(body, day, marks=()):
    m = make_meeting(org=body.org, kind=MeetingKind.COUNCIL, body=body, date=day)
    services.attendance_record(meeting=m, marks=list(marks), acting_user=None)
    return m


@pytest.fixture
def body(cast):
    return make_body(org=cast.comm_a, name="文化东路联席会")


@pytest.fixture
def viewer(cast):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    return cast.outsider


# ---- create / edit ---------------------------------------------------------------------------
def test_a_secretary_creates_a_joint_council_for_the_community(cast):
    c = client_as(cast.comm_a_sec)
    r = c.get(f"/meetings/bodies/new/?org={cast.comm_a.pk}")
    assert 'value="joint" selected' in r.content.decode()
    r = c.post(
        "/meetings/bodies/new/", {"org": cast.comm_a.pk, "kind": "joint", "name": "甲联席会"}
    )
    body = Body.objects.get(name="甲联席会")
    assert r.status_code == 302 and body.org == cast.comm_a
    assert AuditEntry.objects.filter(object_id=str(body.pk), action="create").exists()


def test_the_kind_must_suit_the_level_of_the_organisation(cast):
    r = client_as(cast.street_sec).post(
        "/meetings/bodies/new/", {"org": cast.street_a.pk, "kind": "joint", "name": "街道联席会"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "社区党建协调委员会" in html and 'value="街道联席会"' in html
    assert not Body.objects.filter(name="街道联席会").exists()


def test_editing_may_move_a_body_to_another_organisation(cast, body):
    c = client_as(cast.street_sec)
    r = c.post(
        f"/meetings/bodies/{body.pk}/edit/",
        {
            "org": cast.comm_a2.pk,
            "kind": "joint",
            "name": "团结路联席会",
            "is_active": "on",
            "version": body.version,
        },
    )
    assert r.status_code == 302
    body.refresh_from_db()
    assert (body.org, body.name) == (cast.comm_a2, "团结路联席会")


def test_a_stale_edit_is_refused_in_chinese(cast, body):
    services_bodies.body_update(body=body, acting_user=None, name="改过的名字")
    r = client_as(cast.comm_a_sec).post(
        f"/meetings/bodies/{body.pk}/edit/",
        {"org": cast.comm_a.pk, "kind": "joint", "name": "我的名字", "version": 1},
    )
    assert "已被他人修改" in r.content.decode()


# ---- seats ---------------------------------------------------------------------------------
def test_seats_are_added_changed_and_ended_never_deleted(cast, body):
    unit = make_unit(community=cast.comm_a, name="实验小学", head="钱校长")
    c = client_as(cast.comm_a_sec)
    r = c.post(
        f"/meetings/bodies/{body.pk}/seats/new/", {"unit": unit.pk, "joined_on": "2025-01-01"}
    )
    assert r.status_code == 302
    seat = Seat.objects.get(body=body)
    assert (seat.name, seat.head) == ("实验小学", "钱校长")
    r = c.post(
        f"/meetings/bodies/{body.pk}/seats/new/", {"unit": unit.pk, "joined_on": "2025-01-01"}
    )
    assert "已经是本机构的成员单位" in r.content.decode()
    r = c.post(
        f"/meetings/seats/{seat.pk}/edit/",
        {"name": "实验小学", "head": "孙校长", "joined_on": "2025-01-01", "version": seat.version},
    )
    seat.refresh_from_db()
    assert seat.head == "孙校长"
    r = c.post(f"/meetings/seats/{seat.pk}/end/", {"on": "2024-06-01"})
    assert "退出日期不能早于加入日期" in r.content.decode()
    r = c.post(f"/meetings/seats/{seat.pk}/end/", {"on": "2025-06-30", "version": seat.version})
    assert r.status_code == 302
    seat.refresh_from_db()
    assert seat.left_on == D(2025, 6, 30)
    entries = AuditEntry.objects.filter(content_type__model="seat", object_id=str(seat.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update", "update"]


def test_a_unit_of_another_community_cannot_sit_on_the_body(cast, body):
    unit_b = make_unit(community=cast.comm_b)
    r = client_as(cast.comm_a_sec).post(
        f"/meetings/bodies/{body.pk}/seats/new/", {"unit": unit_b.pk, "joined_on": "2025-01-01"}
    )
    assert "请从列表中选择" in r.content.decode()
    assert not Seat.objects.exists()


# ---- body page -----------------------------------------------------------------------------
def test_the_body_page_shows_seats_meetings_matrix_and_eligibility(cast, body):
    a = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="甲单位"))
    b = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="乙单位"))
    council(body, D(2025, 3, 1), [Mark(status="absent", seat_id=a.pk)])
    council(body, D(2025, 6, 1), [Mark(status="absent", seat_id=a.pk)])
    council(body, D(2025, 9, 1), [Mark(status="excused", seat_id=b.pk, reason="出差")])
    html = client_as(cast.comm_a_sec).get(f"/meetings/bodies/{body.pk}/?year=2025").content.decode()
    assert "甲单位" in html and "乙单位" in html
    assert "2025年度取消评先选优资格" in html
    assert html.count("cell-absent") == 2 and html.count("cell-excused") == 1
    assert html.count("cell-present") == 3
    assert f'href="/meetings/units/{a.unit_id}/?year=2025"' in html


def test_the_body_page_costs_the_same_queries_for_5_and_50_seats(cast, body):
    c = client_as(cast.comm_a_sec)

    def add(n):
        seats = [make_seat(body=body) for _ in range(n)]
        council(body, D(2025, 1 + n % 12, 1), [Mark(status="absent", seat_id=seats[0].pk)])

    add(5)
    url = f"/meetings/bodies/{body.pk}/?year=2025"
    c.get(url)
    n5 = count_queries(lambda: c.get(url))
    add(45)
    assert count_queries(lambda: c.get(url)) == n5


def test_the_list_costs_the_same_queries_for_5_and_50_bodies(cast):
    c = client_as(cast.comm_a_sec)

    def add(n):
        for _ in range(n):
            b = make_body(org=cast.comm_a, name=f"机构{Body.objects.count()}")
            make_seat(body=b)

    add(5)
    c.get("/meetings/bodies/")
    n5 = count_queries(lambda: c.get("/meetings/bodies/"))
    add(45)
    assert count_queries(lambda: c.get("/meetings/bodies/")) == n5
    assert c.get("/meetings/bodies/").content.decode().count('class="body-row') == 50


# ---- criticisms and the unit page ------------------------------------------------------------
def test_the_criticisms_page_lists_notices_and_exports_audited(cast, body):
    seat = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="甲单位", head="钱校长"))
    m1 = council(body, D(2025, 3, 1), [Mark(status="absent", seat_id=seat.pk)])
    council(body, D(2025, 6, 1), [Mark(status="absent", seat_id=seat.pk)])
    services.attendance_record(meeting=m1, marks=[], acting_user=None)  # withdrawn
    c = client_as(cast.comm_a_sec)
    html = c.get("/meetings/criticisms/?year=2025").content.decode()
    assert html.count('class="criticism-row') == 2 and "已撤销" in html
    assert "ineligible-list" not in html  # one notice left
    r = c.get(f"/meetings/criticisms/export/?org={cast.comm_a.pk}&year=2025")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if c]
    assert "甲单位" in cells and "钱校长" in cells and "已撤销" in cells
    assert AuditEntry.objects.filter(action="export", object_id=str(cast.comm_a.pk)).exists()


def test_the_unit_page_shows_the_red_banner_of_an_ineligible_year(cast, body):
    seat = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="甲单位"))
    council(body, D(2025, 12, 31), [Mark(status="absent", seat_id=seat.pk)])
    council(body, D(2026, 1, 1), [Mark(status="absent", seat_id=seat.pk)])
    c = client_as(cast.comm_a_sec)
    html = c.get(f"/meetings/units/{seat.unit_id}/?year=2025").content.decode()
    assert "ineligible-banner" not in html and "有效通报 1 次" in html
    council(body, D(2026, 2, 1), [Mark(status="absent", seat_id=seat.pk)])
    html = c.get(f"/meetings/units/{seat.unit_id}/?year=2026").content.decode()
    assert "2026年度取消评先选优资格" in html and 'data-year="2026"' in html
    assert "2025年度取消评先选优资格" not in html
    assert html.count('class="attendance-row') == 2


def test_another_community_gets_nothing(cast, body):
    seat = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="甲单位"))
    council(body, D(2025, 3, 1), [Mark(status="absent", seat_id=seat.pk)])
    c = client_as(cast.comm_b_sec)
    for url in (
        f"/meetings/bodies/{body.pk}/",
        f"/meetings/bodies/{body.pk}/edit/",
        f"/meetings/bodies/{body.pk}/seats/new/",
        f"/meetings/seats/{seat.pk}/edit/",
        f"/meetings/seats/{seat.pk}/end/",
        f"/meetings/units/{seat.unit_id}/",
        f"/meetings/criticisms/?org={cast.comm_a.pk}",
        f"/meetings/criticisms/export/?org={cast.comm_a.pk}",
        f"/meetings/bodies/?org={cast.comm_a.pk}",
    ):
        assert c.get(url).status_code == 404, url
    for url in ("/meetings/bodies/", "/meetings/criticisms/?year=2025"):
        assert "甲单位" not in c.get(url).content.decode()
        assert "文化东路联席会" not in c.get(url).content.decode()
    r = c.get("/meetings/criticisms/export/?year=2025")
    assert "甲单位".encode() not in b"".join(r.streaming_content)


def test_a_viewer_reads_but_cannot_write(cast, body, viewer):
    seat = make_seat(body=body)
    c = client_as(viewer)
    html = c.get(f"/meetings/bodies/{body.pk}/").content.decode()
    assert "文化东路联席会" in html and "seat-new" not in html
    assert c.post(f"/meetings/seats/{seat.pk}/end/", {"on": "2025-06-30"}).status_code == 404
    assert (
        c.post(
            f"/meetings/bodies/{body.pk}/seats/new/",
            {"unit": seat.unit_id, "joined_on": "2025-01-01"},
        ).status_code
        == 404
    )
    assert c.get(f"/meetings/bodies/{body.pk}/edit/").status_code == 404
    seat.refresh_from_db()
    assert seat.left_on is None


def test_body_kinds_follow_the_level():
    from dangjian.orgs.models import OrgKind

    class Org:
        def __init__(self, kind):
            self.kind = kind

    assert services_bodies.kinds_for(Org(OrgKind.COUNTY)) == (BodyKind.GUIDANCE,)
    assert services_bodies.kinds_for(Org(OrgKind.TOWN)) == (BodyKind.COORDINATION,)
    assert BodyKind.JOINT in services_bodies.kinds_for(Org(OrgKind.GENERAL_BRANCH))
    assert services_bodies.kinds_for(Org(OrgKind.BRANCH)) == ()


def test_the_criticisms_page_and_export_cost_the_same_queries_for_5_and_50_notices(cast, body):
    c = client_as(cast.comm_a_sec)

    def add(n):
        seats = [make_seat(body=body) for _ in range(n)]
        council(body, D(2025, 1 + n % 12, 1), [Mark(status="absent", seat_id=s.pk) for s in seats])

    add(5)
    urls = ["/meetings/criticisms/?year=2025", "/meetings/criticisms/export/?year=2025"]
    for u in urls:
        c.get(u)
    before = [count_queries(lambda u=u: c.get(u)) for u in urls]
    add(45)
    assert [count_queries(lambda u=u: c.get(u)) for u in urls] == before
