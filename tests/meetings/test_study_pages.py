"""Study groups by member category: create/edit, picking members, sessions and attendance
counts per member over the year, constant queries, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.meetings import services, services_bodies
from dangjian.meetings.models import Meeting, MeetingKind, StudyGroup
from dangjian.meetings.selectors import study as sel
from dangjian.meetings.services import Mark
from dangjian.members.models import Category
from tests.factories import make_member

from .test_meetings_pages import count_queries

pytestmark = pytest.mark.django_db
D = dt.date


def client_as(user) -> Client:
    c = Client()
    c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
    return c


def group_of(cast, members=(), name="离退休党员学习小组"):
    return services_bodies.study_group_add(
        org=cast.comm_a,
        name=name,
        category=Category.RETIRED,
        members=list(members),
        acting_user=None,
    )


def session(group, day, marks=()):
    m = services.meeting_create(
        org=group.org,
        acting_user=None,
        kind=MeetingKind.STUDY,
        study_group=group,
        date=day,
        topic=f"学习{day}",
    )
    services.attendance_record(meeting=m, marks=list(marks), acting_user=None)
    return m


def test_attendance_is_counted_per_member_over_the_year(cast):
    other = make_member(org=cast.branch_a_2, name="王五")
    group = group_of(cast, [cast.member_a, other])
    session(group, D(2025, 3, 1))
    session(group, D(2025, 6, 1), [Mark(status="absent", member_id=other.pk)])
    session(group, D(2025, 9, 1), [Mark(status="excused", member_id=other.pk, reason="住院")])
    session(group, D(2024, 12, 31), [Mark(status="absent", member_id=cast.member_a.pk)])
    lines = {line.name: line for line in sel.member_lines(group, year=2025)}
    assert (lines["张三"].present, lines["张三"].excused, lines["张三"].absent) == (3, 0, 0)
    assert (lines["王五"].present, lines["王五"].excused, lines["王五"].absent) == (1, 1, 1)
    old = {line.name: line for line in sel.member_lines(group, year=2024)}
    assert old["张三"].absent == 1


def test_someone_who_left_the_group_keeps_their_count(cast):
    other = make_member(org=cast.branch_a_2, name="王五")
    group = group_of(cast, [cast.member_a, other])
    session(group, D(2025, 3, 1))
    services_bodies.study_group_set_members(group=group, remove=[other.pk], acting_user=None)
    lines = {line.name: line for line in sel.member_lines(group, year=2025)}
    assert lines["王五"].present == 1 and not lines["王五"].in_group


def test_a_secretary_creates_a_group_picks_members_and_a_session(cast):
    c = client_as(cast.comm_a_sec)
    r = c.post(
        "/meetings/study/new/",
        {"org": cast.comm_a.pk, "name": "在职党员学习小组", "category": "in_service"},
    )
    group = StudyGroup.objects.get(name="在职党员学习小组")
    assert r.status_code == 302 and r["Location"].endswith(f"/study/{group.pk}/members/")
    html = c.get(f"/meetings/study/{group.pk}/members/?q=zs&category=").content.decode()
    assert "张三" in html
    r = c.post(f"/meetings/study/{group.pk}/members/", {"add": [cast.member_a.pk]})
    assert list(group.members.all()) == [cast.member_a]
    assert AuditEntry.objects.filter(object_id=str(group.pk), action="update").exists()
    r = c.post(
        f"/meetings/study/{group.pk}/sessions/new/",
        {"date": "2025-05-01", "topic": "学习党章"},
    )
    m = Meeting.objects.get(topic="学习党章")
    assert (m.kind, m.study_group, m.org) == (MeetingKind.STUDY, group, cast.comm_a)
    html = c.get(f"/meetings/study/{group.pk}/?year=2025").content.decode()
    assert "学习党章" in html and "张三" in html


def test_members_of_another_community_cannot_be_added(cast):
    group = group_of(cast)
    c = client_as(cast.comm_a_sec)
    c.post(f"/meetings/study/{group.pk}/members/", {"add": [cast.member_b.pk]})
    assert not group.members.exists()
    html = c.get(f"/meetings/study/{group.pk}/members/?q=lisi").content.decode()
    assert "李四" not in html and "没有找到可加入的党员" in html
    with pytest.raises(Exception, match="不是"):
        services_bodies.study_group_add(
            org=cast.comm_a, name="x", members=[cast.member_b], acting_user=None
        )


def test_a_bad_form_keeps_what_was_typed(cast):
    r = client_as(cast.comm_a_sec).post(
        "/meetings/study/new/", {"org": cast.comm_a.pk, "name": "", "category": "nonsense"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "此项必须填写" in html and "请从列表中选择" in html


def test_the_list_and_group_page_cost_the_same_queries_for_5_and_50(cast):
    c = client_as(cast.comm_a_sec)

    def add(n, group):
        members = [make_member(org=cast.branch_a_2) for _ in range(n)]
        group.members.add(*members)
        for i in range(n):
            group_of(cast, name=f"小组{group.pk}-{i}-{StudyGroup.objects.count()}")
        session(group, D(2025, 1 + n % 12, 1))

    group = group_of(cast, name="主小组")
    add(5, group)
    urls = ["/meetings/study/", f"/meetings/study/{group.pk}/?year=2025"]
    for u in urls:
        c.get(u)
    before = [count_queries(lambda u=u: c.get(u)) for u in urls]
    add(45, group)
    after = [count_queries(lambda u=u: c.get(u)) for u in urls]
    assert before == after
    assert c.get(urls[0]).content.decode().count('class="group-row') == 50


def test_the_member_picker_costs_the_same_queries_for_5_and_50_members(cast):
    c = client_as(cast.comm_a_sec)
    group = group_of(cast)
    url = f"/meetings/study/{group.pk}/members/?category="
    for _ in range(5):
        group.members.add(make_member(org=cast.branch_a_2))
        make_member(org=cast.branch_a_2)
    c.get(url)
    n5 = count_queries(lambda: c.get(url))
    for _ in range(45):
        group.members.add(make_member(org=cast.branch_a_2))
        make_member(org=cast.branch_a_2)
    assert count_queries(lambda: c.get(url)) == n5


def test_another_community_gets_nothing(cast):
    group = group_of(cast, [cast.member_a])
    session(group, D(2025, 3, 1))
    c = client_as(cast.comm_b_sec)
    assert "离退休党员学习小组" not in c.get("/meetings/study/").content.decode()
    for url in (
        f"/meetings/study/{group.pk}/",
        f"/meetings/study/{group.pk}/edit/",
        f"/meetings/study/{group.pk}/members/",
        f"/meetings/study/{group.pk}/sessions/new/",
        f"/meetings/study/?org={cast.comm_a.pk}",
        f"/meetings/study/new/?org={cast.comm_a.pk}",
    ):
        assert c.get(url).status_code == 404, url
    c.post(f"/meetings/study/{group.pk}/members/", {"remove": [cast.member_a.pk]})
    assert group.members.count() == 1


def test_a_viewer_reads_but_cannot_write(cast):
    group = group_of(cast, [cast.member_a])
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    c = client_as(cast.outsider)
    html = c.get(f"/meetings/study/{group.pk}/").content.decode()
    assert "张三" in html and "session-new" not in html
    assert (
        c.post(f"/meetings/study/{group.pk}/members/", {"remove": [cast.member_a.pk]}).status_code
        == 404
    )
    assert (
        c.post(
            f"/meetings/study/{group.pk}/sessions/new/", {"date": "2025-05-01", "topic": "x"}
        ).status_code
        == 404
    )
    assert c.post("/meetings/study/new/", {"org": cast.comm_a.pk, "name": "x"}).status_code in (
        200,
        404,
    )
    assert not StudyGroup.objects.filter(name="x").exists()
