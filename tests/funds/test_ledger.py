"""The income-and-spending ledger: it ties out for any period, refuses bad input with a clear
message and nothing written, refuses spending beyond the balance where the ledger forbids it,
and voids (never deletes) a mistake with an audited reason."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.cobuild.models import ActivityKind
from dangjian.core.models import AuditEntry
from dangjian.funds import selectors, services
from dangjian.funds.models import Entry, Ledger

from . import conftest as h


def _ledger(cast):
    return Ledger.objects.get(org=cast.comm_a)


def test_opening_plus_income_minus_spending_is_closing_for_any_period(cast, cats):
    y = h.LAST_YEAR
    rng = random.Random(17)
    services.ledger_settings(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        opening_balance="1234.56",
        forbid_overdraft=False,
    )
    entries = []
    for _i in range(120):
        d = dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(365))
        direction = rng.choice(["in", "out"])
        amount = Decimal(rng.randrange(1, 500000)) / 100
        entries.append(h.record(cast, cats, direction=direction, amount=str(amount), date=d))
    for e in rng.sample(entries, 10):
        services.entry_void(acting_user=cast.comm_a_sec, entry=e, reason="录错")
    ledger = _ledger(cast)
    live = [e for e in Entry.objects.filter(ledger=ledger) if e.voided_at is None]

    def brute(upto):
        return Decimal("1234.56") + sum(
            (e.amount if e.direction == "in" else -e.amount) for e in live if e.date <= upto
        )

    # every month boundary, single days, the whole year, and periods across entries' dates
    bounds = [dt.date(y, m, 1) for m in range(1, 13)] + [dt.date(y, 12, 31)]
    periods = [(a, b - dt.timedelta(days=1)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    periods += [(dt.date(y, 1, 1), dt.date(y, 12, 31)), (dt.date(y, 3, 15), dt.date(y, 3, 15))]
    periods += [(e.date, e.date) for e in entries[:15]]
    periods += [
        (dt.date(y - 1, 1, 1), dt.date(y - 1, 12, 31)),
        (dt.date(y, 6, 1), dt.date(y + 1, 1, 31)),
    ]
    for start, end in periods:
        p = selectors.period(ledger=ledger, start=start, end=end)
        assert p.opening == brute(start - dt.timedelta(days=1)), (start, end)
        assert p.closing == brute(end), (start, end)
        assert p.opening + p.income - p.spending == p.closing
    # consecutive periods chain: one's closing is the next one's opening
    for (a1, b1), (a2, _b2) in zip(periods[:11], periods[1:12], strict=True):
        assert (
            selectors.period(ledger=ledger, start=a1, end=b1).closing
            == selectors.period(ledger=ledger, start=a2, end=_b2).opening
        )
    assert selectors.balance(ledger=ledger) == brute(dt.date(y + 5, 1, 1))


def test_the_running_balance_of_each_row_adds_up(cast, cats, rf):
    y = h.LAST_YEAR
    h.record(cast, cats, direction="in", amount="1000", date=dt.date(y, 2, 1))
    h.record(cast, cats, direction="out", amount="300", date=dt.date(y, 3, 1))
    bad = h.record(cast, cats, direction="out", amount="50", date=dt.date(y, 3, 2))
    h.record(cast, cats, direction="out", amount="200", date=dt.date(y, 4, 1))
    services.entry_void(acting_user=cast.comm_a_sec, entry=bad, reason="重复登记")
    start = dt.date(y, 3, 1)
    rows = list(selectors.entries(user=cast.comm_a_sec, org=cast.comm_a, start=start))
    opening = selectors.period(ledger=_ledger(cast), start=start, end=dt.date(y, 12, 31)).opening
    assert opening == 1000
    assert [opening + r.running for r in rows] == [700, 700, 500]


@pytest.mark.parametrize("amount", ["0", "-5", "-0.01", "abc", "", "1.234", "1e20", "NaN"])
def test_a_zero_negative_or_unreadable_amount_is_refused_and_nothing_is_written(cast, cats, amount):
    with pytest.raises(ValidationError) as exc:
        h.record(cast, cats, amount=amount)
    assert "amount" in exc.value.message_dict
    assert not Entry.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="entry").exists()


def test_a_negative_amount_is_told_to_choose_spending(cast, cats):
    with pytest.raises(ValidationError) as exc:
        h.record(cast, cats, amount="-100")
    assert "不要填负数" in exc.value.message_dict["amount"][0]


def test_other_bad_input_names_its_field(cast, cats):
    from django.utils import timezone

    with pytest.raises(ValidationError) as exc:
        services.entry_record(
            acting_user=cast.comm_a_sec,
            org=cast.comm_a,
            direction="out",
            date=timezone.localdate() + dt.timedelta(days=1),
            category=cats[("in", "上级拨款")],
            amount="10",
            summary="",
            purpose="office_activity",
        )
    errors = exc.value.message_dict
    assert set(errors) == {"date", "category", "summary", "purpose"}
    assert "晚于今天" in errors["date"][0]
    assert not Entry.objects.exists()


def test_only_income_from_above_names_a_purpose(cast, cats):
    with pytest.raises(ValidationError) as exc:
        h.record(cast, cats, direction="in", name="党费返还", purpose="office_activity")
    assert "上级拨款" in exc.value.message_dict["purpose"][0]
    e = h.record(cast, cats, direction="in", purpose="office_activity")
    assert e.purpose == "office_activity"


def test_spending_beyond_the_balance_is_refused_where_the_community_forbids_it(cast, cats):
    y = h.LAST_YEAR
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="100", forbid_overdraft=True
    )
    h.record(cast, cats, direction="out", amount="60", date=dt.date(y, 5, 1))
    with pytest.raises(ValidationError) as exc:
        h.record(cast, cats, direction="out", amount="40.01", date=dt.date(y, 5, 2))
    msg = exc.value.message_dict["amount"][0]
    assert "余额不足" in msg and "40.00" in msg and "40.01" in msg
    assert Entry.objects.count() == 1
    h.record(cast, cats, direction="out", amount="40", date=dt.date(y, 5, 2))  # exactly all
    assert selectors.balance(ledger=_ledger(cast)) == 0


def test_backdated_spending_may_not_overdraw_a_later_day(cast, cats):
    y = h.LAST_YEAR
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="0", forbid_overdraft=True
    )
    h.record(cast, cats, direction="in", amount="100", date=dt.date(y, 1, 10))
    h.record(cast, cats, direction="out", amount="80", date=dt.date(y, 3, 1))
    h.record(cast, cats, direction="in", amount="500", date=dt.date(y, 6, 1))
    # the balance today is 520, but on 1 March it would go to −10
    with pytest.raises(ValidationError):
        h.record(cast, cats, direction="out", amount="30", date=dt.date(y, 2, 1))
    h.record(cast, cats, direction="out", amount="30", date=dt.date(y, 6, 1))


def test_a_ledger_without_the_flag_may_go_below_zero(cast, cats):
    h.record(cast, cats, direction="out", amount="10")
    assert selectors.balance(ledger=_ledger(cast)) == -10


def test_a_voided_entry_stays_visible_stops_counting_and_is_audited(cast, cats):
    e = h.record(cast, cats, direction="in", amount="500")
    with pytest.raises(ValidationError):
        services.entry_void(acting_user=cast.comm_a_sec, entry=e, reason="  ")
    services.entry_void(acting_user=cast.comm_a_sec, entry=e, reason="金额录错")
    e.refresh_from_db()
    assert e.voided_at and e.void_reason == "金额录错" and e.voided_by == cast.comm_a_sec
    assert selectors.balance(ledger=_ledger(cast)) == 0
    assert AuditEntry.objects.filter(object_id=str(e.pk), field="void").exists()
    with pytest.raises(ValidationError) as exc:
        services.entry_void(acting_user=cast.comm_a_sec, entry=e, reason="再来")
    assert "已经作废" in exc.value.messages[0]


def test_voiding_income_already_spent_is_refused_where_overdrafts_are_forbidden(cast, cats):
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="0", forbid_overdraft=True
    )
    income = h.record(cast, cats, direction="in", amount="100")
    h.record(cast, cats, direction="out", amount="70")
    with pytest.raises(ValidationError) as exc:
        services.entry_void(acting_user=cast.comm_a_sec, entry=income, reason="录错")
    assert "超支" in exc.value.messages[0]


def test_entries_are_never_deleted(cast, cats):
    from django.db.models import ProtectedError

    e = h.record(cast, cats)
    with pytest.raises(ProtectedError):
        e.ledger.delete()


def test_the_opening_balance_is_fixed_once_there_are_entries(cast, cats):
    h.record(cast, cats)
    with pytest.raises(ValidationError) as exc:
        services.ledger_settings(
            acting_user=cast.comm_a_sec,
            org=cast.comm_a,
            opening_balance="50",
            forbid_overdraft=False,
        )
    assert "期初余额不能再改" in exc.value.message_dict["opening_balance"][0]


def test_only_the_tree_above_may_write(cast, cats):
    with pytest.raises(PermissionDenied):
        h.record(cast, cats, user=cast.comm_b_sec)
    h.record(cast, cats, user=cast.street_sec)
    h.record(cast, cats, org=cast.branch_a, user=cast.branch_sec)
    with pytest.raises(PermissionDenied):
        h.record(cast, cats, user=cast.branch_sec)


def test_spending_points_at_what_it_paid_for_and_shows_there(cast, cats):
    from dangjian.cobuild.services import activity_record
    from dangjian.meetings.services import meeting_create

    y = h.LAST_YEAR
    meeting = meeting_create(
        org=cast.branch_a,
        acting_user=cast.comm_a_sec,
        kind="theme_day",
        date=dt.date(y, 5, 1),
        topic="主题党日",
    )
    activity = activity_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        kind=ActivityKind.values[0],
        date=dt.date(y, 5, 2),
        title="义诊进社区",
        members=[cast.member_a.pk],
    )
    paid_m = h.record(cast, cats, name="活动", amount="88", meeting=meeting)
    paid_a = h.record(cast, cats, name="活动", amount="66", activity=activity)
    paid_d = h.record(cast, cats, name="慰问", amount="11", deed=activity.deed)
    assert list(selectors.spending_for(meeting)) == [paid_m]
    assert list(selectors.spending_for(activity)) == [paid_a, paid_d]
    assert list(selectors.spending_for(activity.deed)) == [paid_a, paid_d]
    assert not selectors.spending_for(meeting, user=cast.comm_b_sec).exists()
    services.entry_void(acting_user=cast.comm_a_sec, entry=paid_m, reason="录错")
    assert not selectors.spending_for(meeting).exists()


def test_a_community_cannot_point_at_another_communitys_meeting(cast, cats):
    from dangjian.meetings.services import meeting_create

    other = meeting_create(
        org=cast.branch_b,
        acting_user=cast.comm_b_sec,
        kind="theme_day",
        date=dt.date(h.LAST_YEAR, 5, 1),
        topic="乙的主题党日",
    )
    with pytest.raises(ValidationError) as exc:
        h.record(cast, cats, meeting=other)
    assert "meeting" in exc.value.message_dict
