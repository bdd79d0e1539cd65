"""The dues item of the home page's 待办 counts in the database: the same members as reading
every member's streak (the way it was counted before), in a number of queries that does not
grow with the register."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.dues import services
from dangjian.dues.models import Payment
from dangjian.dues.selectors import members_of, unpaid_streaks
from dangjian.dues.todos import todos, unpaid_for_months
from dangjian.members.models import Status
from tests.factories import make_member

TODAY = dt.date(2026, 11, 24)
JAN = dt.date(2026, 1, 1)


def _member(cast, name, *, paid=0, base_from=JAN, joined=dt.date(2010, 1, 1), org=None):
    m = make_member(
        org=org or cast.branch_a,
        name=name,
        birth_date=dt.date(1960, 1 + len(name) % 12, 3),
        joined_on=joined,
        status=Status.FULL if joined.year < 2025 else Status.PROBATIONARY,
    )
    if base_from is not None:
        services.base_set(
            acting_user=cast.comm_a_sec, member=m, kind="retired", base="3000", from_month=base_from
        )
    if paid:
        services.payment_record(
            acting_user=cast.comm_a_sec, member=m, first_month=JAN, months=paid, today=TODAY
        )
    return m


def _old_way(cast, months: int) -> set[int]:
    """Every member of the community read, every streak computed (the former count)."""
    ids = list(members_of(user=cast.comm_a_sec, org=cast.comm_a).values_list("pk", flat=True))
    return {pk for pk, v in unpaid_streaks(ids, today=TODAY).items() if v >= months}


def _mixed(cast) -> dict[str, object]:
    made = {
        "six": _member(cast, "六个月未交", paid=4),  # Jan–Apr paid: May–Oct unpaid
        "five": _member(cast, "五个月未交", paid=5),
        "none": _member(cast, "一直未交"),
        "nobase": _member(cast, "未定基数", base_from=None),
        "late": _member(cast, "基数晚定", base_from=dt.date(2026, 7, 1)),
        "new": _member(cast, "新党员", joined=dt.date(2026, 8, 15), base_from=dt.date(2026, 8, 1)),
        "other": _member(cast, "二支部未交", org=cast.branch_a_2),
        "excused": _member(cast, "住院缓交", paid=2),
    }
    services.reason_record(
        acting_user=cast.comm_a_sec,
        member=made["excused"],
        from_month=dt.date(2026, 7, 1),
        to_month=dt.date(2026, 7, 1),
        reason="住院",
    )
    return made


def test_the_same_members_as_reading_every_streak(cast):
    made = _mixed(cast)
    expected = _old_way(cast, 6)
    assert expected == {made["six"].pk, made["none"].pk, made["other"].pk}
    members = members_of(user=cast.comm_a_sec, org=cast.comm_a)
    for months in (1, 3, 6, 10, 11, 12, 30):
        got = unpaid_for_months(members, months=months, today=TODAY)
        assert set(got) == _old_way(cast, months), months
        assert len(got) == len(set(got))
    (todo,) = todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    assert todo.count == 3 and todo.label == "3 名党员连续 6 个月未交党费"
    assert todo.url.endswith(f"?org={cast.comm_a.pk}")
    # a branch counts its own members only; another community sees nobody of ours
    (branch,) = todos(user=cast.comm_a_sec, org=cast.branch_a_2, today=TODAY)
    assert branch.count == 1
    (theirs,) = todos(user=cast.comm_b_sec, org=cast.comm_b, today=TODAY)
    assert theirs.count == 0
    assert todos(user=cast.street_sec, org=cast.street_a, today=TODAY) == []


def test_a_voided_payment_makes_its_months_unpaid_again(cast):
    m = _member(cast, "交错作废", paid=10)
    assert todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)[0].count == 0
    payment = Payment.objects.get(member=m)
    services.payment_void(acting_user=cast.comm_a_sec, payment=payment, reason="记错了人")
    assert todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)[0].count == 1


def _queries(cast) -> int:
    todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)  # caches warm
    with CaptureQueriesContext(connection) as ctx:
        todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    return len(ctx.captured_queries)


def test_the_queries_do_not_grow_with_the_members(cast):
    for i in range(3):
        _member(cast, f"少{i}", paid=i % 2 * 4)
    few = _queries(cast)
    for i in range(30):
        _member(cast, f"多{i}", paid=i % 3 * 4, org=(cast.branch_a, cast.branch_a_2)[i % 2])
    assert _queries(cast) == few
