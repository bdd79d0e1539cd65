"""党费: the rates at every bracket boundary, payments of several months, a month paid once,
dues from admission, back payments, months unpaid without a reason (the art. 9 count)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core import rules
from dangjian.dues import rates, selectors, services
from dangjian.dues.models import PaidMonth, Payment
from tests.factories import make_member

D = Decimal
TODAY = dt.date(2026, 11, 24)


def numbers(rule_id):
    return rules.effective(rule_id)


@pytest.mark.parametrize(
    ("base", "dues"),
    [
        ("3000", "15.00"),  # exactly 3000: 0.5%
        ("3000.01", "30.00"),  # just over: 1%
        ("5000", "50.00"),
        ("5000.01", "75.00"),  # 1.5%
        ("10000", "150.00"),
        ("10000.01", "200.00"),  # 2%
        ("0", "0.00"),
        ("1234.56", "6.17"),  # 6.1728 → fen, half up
    ],
)
def test_in_service_rates_at_the_boundaries(base, dues):
    assert rates.monthly_dues(rates.IN_SERVICE, D(base), numbers) == D(dues)


@pytest.mark.parametrize(
    ("base", "dues"), [("5000", "25.00"), ("5000.01", "50.00"), ("2000", "10.00")]
)
def test_retired_rates_at_the_boundary(base, dues):
    assert rates.monthly_dues(rates.RETIRED, D(base), numbers) == D(dues)


def test_students_laid_off_and_subsistence_pay_the_flat_rate():
    assert rates.monthly_dues(rates.FLAT, None, numbers) == D("0.20")


@pytest.fixture
def payer(cast):
    m = make_member(org=cast.branch_a, name="钱交费", joined_on=dt.date(2020, 7, 1))
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=m,
        kind="in_service",
        base="4000",
        from_month=dt.date(2026, 1, 1),
    )
    return m


def _pay(cast, m, first, months, **kw):
    return services.payment_record(
        acting_user=cast.comm_a_sec, member=m, first_month=first, months=months, today=TODAY, **kw
    )


def test_several_months_at_once_with_a_receipt(cast, payer):
    r = _pay(cast, payer, dt.date(2026, 1, 1), 3, paid_on=dt.date(2026, 3, 5))
    assert (r.payment.amount_due, r.payment.receipt_no, r.warnings) == (
        D("120.00"),
        "2026-0001",
        [],
    )
    assert PaidMonth.objects.filter(member=payer).count() == 3
    assert _pay(cast, payer, dt.date(2026, 4, 1), 1).payment.receipt_no == "2026-0002"


def test_a_month_is_paid_once_and_nothing_changes_on_refusal(cast, payer):
    _pay(cast, payer, dt.date(2026, 2, 1), 1)
    with pytest.raises(ValidationError, match="2026年02月 的党费已经交过"):
        _pay(cast, payer, dt.date(2026, 1, 1), 3)
    assert Payment.objects.count() == 1 and PaidMonth.objects.count() == 1


def test_a_new_base_applies_from_its_month(cast, payer):
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=payer,
        kind="in_service",
        base="6000",
        from_month=dt.date(2026, 3, 1),
    )
    assert _pay(cast, payer, dt.date(2026, 2, 1), 2).payment.amount_due == D("40.00") + D("90.00")


def test_dues_start_from_admission(cast):
    new = make_member(org=cast.branch_a, joined_on=dt.date(2026, 5, 20), status="probationary")
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=new,
        kind="flat",
        base="",
        from_month=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match="被批准入党的当月起"):
        _pay(cast, new, dt.date(2026, 4, 1), 2)
    assert _pay(cast, new, dt.date(2026, 5, 1), 2).payment.amount_due == D("0.40")


def test_a_long_back_payment_is_recorded_with_a_warning(cast, payer):
    r = _pay(cast, payer, dt.date(2026, 1, 1), 10, paid_on=TODAY)
    assert r.payment.months == 10 and "补交一般不超过 6 个月" in r.warnings[0]
    assert "其中 4 个月" in r.warnings[0]  # January to April are more than six months back


def test_less_than_due_is_refused(cast, payer):
    with pytest.raises(ValidationError, match="少于应交"):
        _pay(cast, payer, dt.date(2026, 1, 1), 1, amount_paid="10")


def test_another_community_cannot_record(cast, payer):
    with pytest.raises(PermissionDenied):
        services.payment_record(
            acting_user=cast.comm_b_sec, member=payer, first_month=dt.date(2026, 1, 1), months=1
        )


@pytest.mark.parametrize(
    ("paid_through", "streak"), [(dt.date(2026, 5, 1), 5), (dt.date(2026, 4, 1), 6)]
)
def test_months_unpaid_in_a_row_up_to_last_month(cast, payer, paid_through, streak):
    months = (paid_through.month - 1) + 1
    _pay(cast, payer, dt.date(2026, 1, 1), months)
    assert selectors.unpaid_streaks([payer.pk], today=TODAY)[payer.pk] == streak


def test_a_good_reason_stops_the_count(cast, payer):
    _pay(cast, payer, dt.date(2026, 1, 1), 4)
    services.reason_record(
        acting_user=cast.comm_a_sec,
        member=payer,
        from_month=dt.date(2026, 7, 1),
        to_month=dt.date(2026, 8, 1),
        reason="住院治疗，支部同意缓交",
    )
    assert selectors.unpaid_streaks([payer.pk], today=TODAY)[payer.pk] == 2  # September, October


def test_without_a_base_nothing_is_counted_as_owed(cast):
    m = make_member(org=cast.branch_a)
    assert selectors.unpaid_streaks([m.pk], today=TODAY)[m.pk] == 0


def test_the_year_ledger_shows_due_and_paid_per_month(cast, payer):
    _pay(cast, payer, dt.date(2026, 1, 1), 2)
    rows = {
        r.member.pk: r
        for r in selectors.ledger(
            user=cast.comm_a_sec, org=cast.branch_a, months=selectors.year_months(2026)
        )
    }
    row = rows[payer.pk]
    assert row.due[:3] == [D("40.00")] * 3 and row.paid[:3] == [True, True, False]
    assert row.due_total == D("480.00") and row.unpaid == 10


def test_streaks_of_several_members_are_read_in_one_statement(
    cast, payer, django_assert_num_queries
):
    """The first base, the months paid, the reasons and the admission of every member asked
    about come in one statement (four parts of one UNION ALL), with the same streaks."""
    _pay(cast, payer, dt.date(2026, 1, 1), 4)
    services.reason_record(
        acting_user=cast.comm_a_sec,
        member=payer,
        from_month=dt.date(2026, 7, 1),
        to_month=dt.date(2026, 8, 1),
        reason="住院治疗，支部同意缓交",
    )
    no_base = make_member(org=cast.branch_a)
    with django_assert_num_queries(1):
        streaks = selectors.unpaid_streaks([payer.pk, no_base.pk, 999_999], today=TODAY)
    assert streaks == {payer.pk: 2, no_base.pk: 0, 999_999: 0}
    with django_assert_num_queries(0):
        assert selectors.unpaid_streaks([], today=TODAY) == {}
