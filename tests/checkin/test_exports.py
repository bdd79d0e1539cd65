"""在职党员到社区报到台帐 (.xlsx) with a period: the check-ins in force in it, counted for
its year; nothing for another community; constant queries."""

from __future__ import annotations

import datetime as dt

from dangjian.checkin.models import CheckIn
from tests.exports_helpers import rows, same_queries_at_5_and_50, sheets
from tests.factories import make_member

D = dt.date


def checked_in(cast, name, on, ended=None, community=None):
    m = make_member(org=cast.branch_b, name=name)
    return CheckIn.objects.create(
        member=m, community=community or cast.comm_a, checked_in_on=on, ended_on=ended
    )


def names(r) -> set[str]:
    return {x[0] for x in rows(r)}


def test_without_a_period_it_is_todays_check_ins(cast, client_for):
    checked_in(cast, "孙在职", D(2025, 1, 10))
    checked_in(cast, "周调走", D(2024, 3, 1), ended=D(2025, 6, 30))
    r = client_for(cast.comm_a_sec).get(f"/checkin/export/?org={cast.comm_a.pk}")
    assert names(r) == {"孙在职"}
    head = sheets(r)["在职党员报到台帐"]
    assert head[0][0].startswith("文化东路社区党委在职党员到社区报到台帐")
    assert head[1][0] == "姓名" and head[1][-1] == "解除报到日期"


def test_a_period_keeps_the_check_ins_in_force_in_it(cast, client_for):
    checked_in(cast, "孙在职", D(2025, 1, 10))
    checked_in(cast, "周调走", D(2024, 3, 1), ended=D(2025, 6, 30))
    checked_in(cast, "吴新来", D(2026, 2, 1))
    c = client_for(cast.comm_a_sec)
    assert names(c.get(f"/checkin/export/?org={cast.comm_a.pk}&year=2025")) == {
        "孙在职",
        "周调走",
    }
    r = c.get(f"/checkin/export/?org={cast.comm_a.pk}&year=2024")
    assert names(r) == {"周调走"}
    assert sheets(r)["在职党员报到台帐"][1][5] == "2024年实事"
    assert rows(r)[0][-1].date() == D(2025, 6, 30)
    r = c.get(f"/checkin/export/?org={cast.comm_a.pk}&from=2025-07-01&to=2026-03-01")
    assert names(r) == {"孙在职", "吴新来"}


def test_another_community_gets_a_404_and_sees_nothing_of_ours(cast, client_for):
    checked_in(cast, "孙在职", D(2025, 1, 10))
    checked_in(cast, "乙社区报到", D(2025, 1, 10), community=cast.comm_b)
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/checkin/export/?org={cast.comm_a.pk}&year=2025").status_code == 404
    assert names(c.get(f"/checkin/export/?org={cast.comm_b.pk}&year=2025")) == {"乙社区报到"}
    assert client_for(cast.outsider).get("/checkin/export/?year=2025").status_code == 404


def test_it_takes_the_same_queries_for_5_and_50_check_ins(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            made.append(
                checked_in(cast, f"报到{len(made)}", D(2025, 1, 1) + dt.timedelta(len(made)))
            )

    url = f"/checkin/export/?org={cast.comm_a.pk}&year=2025"
    same_queries_at_5_and_50(client_for(cast.comm_a_sec), url, grow)


# ---- 一对一帮扶 ------------------------------------------------------------------------------
def pair(c, since, until=None, *, household=None, note=""):
    from dangjian.checkin.models import Pairing

    return Pairing.objects.create(
        checkin=c, household=household, household_note=note, since=since, until=until
    )


def test_pairings_by_organisation_and_period(cast, client_for):
    a = checked_in(cast, "孙在职", D(2025, 1, 10))
    b = checked_in(cast, "乙社区报到", D(2025, 1, 10), community=cast.comm_b)
    pair(a, D(2025, 2, 1), household=cast.corridor_a)
    pair(a, D(2024, 2, 1), D(2024, 12, 31), note="老王家")
    pair(b, D(2025, 2, 1), note="乙社区困难户")
    c = client_for(cast.comm_a_sec)
    r = c.get("/checkin/pairings/export/")
    assert [(x[1], x[4]) for x in rows(r)] == [("孙在职", "1单元")]
    assert sheets(r)["一对一帮扶"][1][4] == "帮扶对象（户）"
    assert {x[4] for x in rows(c.get("/checkin/pairings/export/?year=2024"))} == {"老王家"}
    r = c.get(f"/checkin/pairings/export/?org={cast.comm_a.pk}&from=2024-06-01&to=2025-06-01")
    assert {x[4] for x in rows(r)} == {"老王家", "1单元"}
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/checkin/pairings/export/?org={cast.comm_a.pk}").status_code == 404
    # 孙在职 is a member of 迎宾路第一党支部: their own branch sees what they do elsewhere
    assert {x[4] for x in rows(other.get("/checkin/pairings/export/"))} == {"乙社区困难户", "1单元"}
    assert client_for(cast.outsider).get("/checkin/pairings/export/").status_code == 404
    assert rows(client_for(cast.branch_sec).get("/checkin/pairings/export/")) == []


def test_pairings_take_the_same_queries_for_5_and_50(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            c = checked_in(cast, f"报到{len(made)}", D(2025, 1, 1))
            made.append(pair(c, D(2025, 3, 1), household=cast.corridor_a))

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), "/checkin/pairings/export/", grow)
