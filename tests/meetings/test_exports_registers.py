"""The registers of study groups, deliberation bodies and county leaders as .xlsx, read back:
filtered by organisation and by period, nothing of another community, constant queries."""

from __future__ import annotations

import datetime as dt

from dangjian.meetings import services
from dangjian.meetings.models import AttendanceStatus, MeetingKind, Seat
from tests.exports_helpers import column, same_queries_at_5_and_50, sheets
from tests.factories import make_member

from .factories import make_body, make_meeting, make_seat, make_unit

D = dt.date
P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


# ---- study groups --------------------------------------------------------------------------
def study(cast, org, name, members, dates):
    g = services.study_group_create(acting_user=None, org=org, name=name, members=members)
    for d in dates:
        make_meeting(org=org, kind=MeetingKind.STUDY, study_group=g, date=d, topic=f"{name}{d}")
    return g


def test_study_groups_with_their_members_and_sessions_of_the_period(cast, client_for):
    retired = [make_member(org=cast.branch_a_2, name=n) for n in ("钱一", "孙二")]
    study(cast, cast.branch_a_2, "离退休学习组", retired, [D(2025, 5, 1), D(2026, 2, 1)])
    study(cast, cast.branch_a, "楼栋学习组", [cast.member_a], [D(2026, 3, 1)])
    study(cast, cast.branch_b, "迎宾路学习组", [cast.member_b], [D(2026, 3, 1)])
    c = client_for(cast.comm_a_sec)
    found = sheets(c.get("/meetings/study/export/?year=2026"))
    assert list(found) == ["学习小组", "学习记录"]
    groups = {r[1]: r for r in found["学习小组"][2:]}
    assert set(groups) == {"离退休学习组", "楼栋学习组"}
    g = groups["离退休学习组"]
    assert (g[4], set(g[5].split("、")), g[6]) == (2, {"钱一", "孙二"}, 1)  # 1 session in 2026
    assert {r[2] for r in found["学习记录"][2:]} == {"离退休学习组", "楼栋学习组"}
    r = c.get(f"/meetings/study/export/?org={cast.branch_a_2.pk}&from=2025-01-01&to=2025-12-31")
    assert column(r, 1) == {"离退休学习组"}
    assert column(r, 3, "学习记录") == {"离退休学习组2025-05-01"}


def test_study_groups_of_another_community_stay_out(cast, client_for):
    study(cast, cast.branch_a, "楼栋学习组", [cast.member_a], [D(2026, 3, 1)])
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/meetings/study/export/?org={cast.comm_a.pk}").status_code == 404
    assert "楼栋学习组" not in repr(sheets(c.get("/meetings/study/export/")))


# ---- bodies and seats ----------------------------------------------------------------------
def test_bodies_with_the_seats_held_in_the_period_and_their_attendance(cast, client_for):
    body = make_body(org=cast.comm_a, name="文化东路党建联席会")
    old = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="老单位"))
    Seat.objects.filter(pk=old.pk).update(left_on=D(2025, 6, 30))
    school = make_seat(body=body, unit=make_unit(community=cast.comm_a, name="学校"))
    m = make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body, date=D(2026, 4, 1))
    services.attendance_record(
        meeting=m, marks=[services.Mark(status=A, seat_id=school.pk)], acting_user=None
    )
    make_body(org=cast.comm_b, name="迎宾路联席会")
    c = client_for(cast.comm_a_sec)
    found = sheets(c.get("/meetings/bodies/export/?year=2026"))
    assert [r[1] for r in found["议事协调机构"][2:]] == ["文化东路党建联席会"]
    assert found["议事协调机构"][2][5:7] == (1, 1)  # one seat now, one meeting in 2026
    seats = {r[2]: r for r in found["成员单位"][2:]}
    assert set(seats) == {"学校"}
    assert seats["学校"][7:10] == (0, 0, 1)
    r = c.get("/meetings/bodies/export/?year=2025")
    assert column(r, 2, "成员单位") == {"老单位", "学校"}
    r = client_for(cast.comm_b_sec).get("/meetings/bodies/export/")
    assert column(r, 1) == {"迎宾路联席会"} and column(r, 2, "成员单位") == set()


# ---- county leaders ------------------------------------------------------------------------
def link(community, name, since, until=None):
    return services.leader_link_create(
        acting_user=None, community=community, name=name, title="副县长", since=since, until=until
    )


def test_leaders_with_their_visits_in_the_period(cast, client_for):
    wang = link(cast.comm_a, "王县长", D(2025, 1, 1))
    li = link(cast.comm_a, "李县长", D(2024, 1, 1), D(2024, 12, 31))
    link(cast.comm_b, "赵县长", D(2025, 1, 1))
    for d, who in ((D(2024, 6, 1), li), (D(2026, 2, 1), wang), (D(2026, 5, 1), wang)):
        make_meeting(org=cast.comm_a, kind=MeetingKind.LEADER_VISIT, date=d, leaders=[who])
    c = client_for(cast.street_sec)
    found = sheets(c.get(f"/meetings/leaders/export/?org={cast.comm_a.pk}&year=2026"))
    leaders = {r[1]: r for r in found["联系社区的县领导"][2:]}
    assert set(leaders) == {"王县长"}
    assert leaders["王县长"][5] == 2 and leaders["王县长"][7].date() == D(2026, 5, 1)
    assert [r[0].date() for r in found["督导与联席会议"][2:]] == [D(2026, 2, 1), D(2026, 5, 1)]
    assert found["督导与联席会议"][2][5] == "王县长（副县长）"
    r = c.get("/meetings/leaders/export/?year=2024")
    assert column(r, 1) == {"李县长"}
    r = client_for(cast.comm_b_sec).get("/meetings/leaders/export/")
    assert column(r, 1) == {"赵县长"} and column(r, 0, "督导与联席会议") == set()
    assert (
        client_for(cast.comm_b_sec)
        .get(f"/meetings/leaders/export/?org={cast.comm_a.pk}")
        .status_code
        == 404
    )


# ---- query counts --------------------------------------------------------------------------
def test_the_registers_take_the_same_queries_for_5_and_50_rows(cast, client_for):
    c = client_for(cast.comm_a_sec)
    groups: list = []
    bodies: list = []
    links: list = []

    def grow_groups(n: int) -> None:
        while len(groups) < n:
            groups.append(
                study(cast, cast.branch_a, f"组{len(groups)}", [cast.member_a], [D(2026, 1, 5)])
            )

    def grow_bodies(n: int) -> None:
        while len(bodies) < n:
            b = make_body(org=cast.comm_a, name=f"机构{len(bodies)}")
            make_seat(body=b)
            make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=b, date=D(2026, 1, 5))
            bodies.append(b)

    def grow_links(n: int) -> None:
        while len(links) < n:
            x = link(cast.comm_a, f"领导{len(links)}", D(2025, 1, 1))
            make_meeting(
                org=cast.comm_a, kind=MeetingKind.LEADER_VISIT, date=D(2026, 1, 5), leaders=[x]
            )
            links.append(x)

    same_queries_at_5_and_50(c, "/meetings/study/export/?year=2026", grow_groups)
    same_queries_at_5_and_50(c, "/meetings/bodies/export/?year=2026", grow_bodies)
    same_queries_at_5_and_50(c, "/meetings/leaders/export/?year=2026", grow_links)
