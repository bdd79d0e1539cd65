"""Constitution art. 9 joins dues: a member who has not paid for six months in a row without a
good reason is on the list even if they come to meetings; five months is not enough; the months
unpaid show beside those listed for no organisational life."""

from __future__ import annotations

import datetime as dt

from dangjian.dues import services
from dangjian.meetings.selectors.nolife import no_life_list
from tests.factories import make_member
from tests.meetings.factories import make_meeting

TODAY = dt.date(2026, 11, 24)


def _member(cast, name, paid_months):
    m = make_member(
        org=cast.branch_a,
        name=name,
        birth_date=dt.date(1960 + len(name), 1 + paid_months, 3),
        joined_on=dt.date(2010, 1, 1),
    )
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=m,
        kind="retired",
        base="3000",
        from_month=dt.date(2026, 1, 1),
    )
    if paid_months:
        services.payment_record(
            acting_user=cast.comm_a_sec,
            member=m,
            first_month=dt.date(2026, 1, 1),
            months=paid_months,
            today=TODAY,
        )
    return m


def test_six_months_unpaid_puts_a_member_who_attends_on_the_list_five_does_not(cast):
    six = _member(cast, "六个月未交", 4)  # paid Jan–Apr: May–Oct unpaid
    five = _member(cast, "五个月未交", 5)
    from dangjian.meetings.services import attendance_record

    meeting = make_meeting(org=cast.branch_a, date=dt.date(2026, 11, 10))
    attendance_record(meeting=meeting, acting_user=None, marks=[])  # everybody present
    rows = {
        r.name: r for r in no_life_list(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY).rows
    }
    assert "六个月未交" in rows and "五个月未交" not in rows
    r = rows["六个月未交"]
    assert (r.no_life, r.unpaid_months, r.unpaid_too) == (False, 6, True)
    assert six.pk == r.member_id and five.pk not in [x.member_id for x in rows.values()]


def test_the_months_unpaid_show_beside_no_organisational_life(cast, client_for):
    _member(cast, "两样都缺", 0)
    body = (
        client_for(cast.comm_a_sec)
        .get(f"/meetings/no-life/?org={cast.comm_a.pk}&today=2026-11-24")
        .content.decode()
    )
    assert "两样都缺" in body and "连续未交党费" in body


def test_the_exported_list_says_why_each_member_is_on_it_and_the_months_unpaid(cast, client_for):
    import io

    from openpyxl import load_workbook

    from dangjian.meetings.services import attendance_record

    _member(cast, "只欠党费", 4)  # paid Jan–Apr 2026: six months and more unpaid by now
    meeting = make_meeting(org=cast.branch_a, date=dt.date(2026, 11, 10))
    attendance_record(meeting=meeting, acting_user=None, marks=[])  # everybody present
    r = client_for(cast.comm_a_sec).get(f"/meetings/no-life/export/?org={cast.comm_a.pk}")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    head = list(rows[2])
    (row,) = [x for x in rows[3:] if x[head.index("姓名")] == "只欠党费"]
    assert row[head.index("列入原因")] == "不交纳党费"
    assert row[head.index("连续未交党费（月）")] >= 6
