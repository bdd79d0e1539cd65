"""党费 (issue 20, items 3 and 8): paying asks first (name, months, amount); a mistaken payment is
voided — with a reason, audited, counted nowhere, its months payable again and its receipt number
never reused; the forms put errors beside the field, keep what was typed and say exactly what is
wrong with an amount."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.services import token_issue
from dangjian.core.models import AuditEntry
from dangjian.dues import selectors, services
from dangjian.dues.models import DuesBase, PaidMonth, Payment
from tests.factories import make_member


def _text(r) -> str:
    return html.unescape(re.sub(r"\s+", " ", r.content.decode()))


def _member(cast, name="作废测试人", birth=dt.date(1961, 4, 9)):
    m = make_member(org=cast.branch_a, name=name, birth_date=birth, joined_on=dt.date(2015, 1, 1))
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=m,
        kind="in_service",
        base="4000",
        from_month=dt.date(2026, 1, 1),
    )
    return m


def _pay(cast, m, first=dt.date(2026, 3, 1), months=2):
    return services.payment_record(
        acting_user=cast.comm_a_sec, member=m, first_month=first, months=months
    ).payment


def test_a_voided_payment_counts_nowhere_and_its_months_can_be_paid_again(cast):
    m = _member(cast)
    p = _pay(cast, m)
    assert p.receipt_no == f"{p.paid_on.year}-0001"
    march = dt.date(2026, 3, 1)
    assert (
        selectors.month_summary(user=cast.comm_a_sec, org=cast.branch_a, month=march)["paid"] == 1
    )

    v = services.payment_void(
        acting_user=cast.comm_a_sec, payment=p, reason="登记错了人", expected_version=1
    )
    assert v.voided_at is not None and v.void_reason == "登记错了人" and v.version == 2
    assert Payment.objects.filter(pk=p.pk).exists()  # kept, marked
    assert not PaidMonth.objects.filter(member=m).exists()
    summary = selectors.month_summary(user=cast.comm_a_sec, org=cast.branch_a, month=march)
    assert summary["paid"] == 0 and summary["amount"] == Decimal("0.00")
    row = selectors.ledger(
        user=cast.comm_a_sec,
        org=cast.branch_a,
        months=[march, dt.date(2026, 4, 1)],
        members=[m],
    )[0]
    assert row.paid == [False, False] and row.unpaid == 2
    # art. 9: nothing paid from January (when the base was set) up to last month
    today = timezone.localdate()
    since_january = (today.year - 2026) * 12 + today.month - 1
    assert selectors.unpaid_streaks([m.pk], today=today)[m.pk] == since_january

    again = _pay(cast, m)  # the same months, paid anew
    assert again.receipt_no == f"{again.paid_on.year}-0002"  # 0001 is never handed out again
    assert set(PaidMonth.objects.filter(member=m).values_list("payment", flat=True)) == {again.pk}

    entry = AuditEntry.objects.get(object_id=str(p.pk), field="void")
    assert entry.action == AuditEntry.Action.UPDATE and entry.actor == cast.comm_a_sec
    assert entry.changes["void_reason"]["after"] == "登记错了人"
    assert entry.changes["paid_months"] == {"before": ["2026-03", "2026-04"], "after": []}


def test_voiding_is_refused_without_a_reason_twice_out_of_scope_or_stale(cast):
    m = _member(cast)
    p = _pay(cast, m, months=1)
    with pytest.raises(ValidationError) as e:
        services.payment_void(acting_user=cast.comm_a_sec, payment=p, reason="  ")
    assert "void_reason" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.payment_void(acting_user=cast.comm_b_sec, payment=p, reason="越权")
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.payment_void(
            acting_user=cast.comm_a_sec, payment=p, reason="错了", expected_version=7
        )
    p.refresh_from_db()
    assert p.voided_at is None and PaidMonth.objects.filter(payment=p).count() == 1
    services.payment_void(acting_user=cast.comm_a_sec, payment=p, reason="错了")
    with pytest.raises(ValidationError, match="已经作废"):
        services.payment_void(acting_user=cast.comm_a_sec, payment=p, reason="再作废")
    assert AuditEntry.objects.filter(object_id=str(p.pk), field="void").count() == 1


def test_the_void_button_on_the_members_page(cast, client_for):
    m = _member(cast)
    p = _pay(cast, m)
    c = client_for(cast.comm_a_sec)
    page = _text(c.get(f"/dues/members/{m.pk}/"))
    assert f'action="/dues/payments/{p.pk}/void/"' in page
    assert f"确定作废 作废测试人 的收据 {p.receipt_no}（2026年3月起 2 个月，80.00 元）吗？" in page

    r = c.post(f"/dues/payments/{p.pk}/void/", {"void_reason": "", "version": "1"})
    body = _text(r)
    assert r.status_code == 200 and 'id="void' in body
    assert re.search(r'id="void\d+_void_reason-error">此项必须填写。<', body)
    assert Payment.objects.get().voided_at is None

    # another community's secretary gets nothing, not even the page
    other = client_for(cast.comm_b_sec).post(
        f"/dues/payments/{p.pk}/void/", {"void_reason": "越权"}
    )
    assert other.status_code == 404

    r = c.post(
        f"/dues/payments/{p.pk}/void/", {"void_reason": "月份登记错了", "version": "1"}, follow=True
    )
    body = _text(r)
    assert f"已作废收据 {p.receipt_no}（80.00 元），这 2 个月重新计为未交，可重新登记。" in body
    assert "已作废" in body and "月份登记错了" in body
    assert f'action="/dues/payments/{p.pk}/void/"' not in body  # no second void

    # the year's ledger no longer counts it
    x = c.get(f"/dues/export/?org={cast.branch_a.pk}&year=2026")
    ws = load_workbook(io.BytesIO(b"".join(x.streaming_content))).active
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "作废测试人")
    assert row[6:8] == ("欠40.00", "欠40.00")  # March and April owed again


def test_the_api_voids_a_payment(cast):
    m = _member(cast)
    p = _pay(cast, m, months=1)
    _t, key = token_issue(user=cast.comm_a_sec, name="测试", acting_user=None)
    c, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"/api/v1/dues/payments/{p.pk}/void"
    r = c.post(url, {"reason": ""}, content_type="application/json", **auth)
    assert r.status_code == 400 and "作废原因" in r.json()["detail"]
    r = c.post(url, {"reason": "重复登记", "version": 3}, content_type="application/json", **auth)
    assert r.status_code == 409
    r = c.post(url, {"reason": "重复登记", "version": 1}, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["void_reason"] == "重复登记"
    listed = c.get(f"/api/v1/dues/payments?org={cast.branch_a.pk}", **auth).json()["items"]
    assert listed[0]["voided_at"] is not None


def test_the_one_click_pay_button_asks_with_name_month_and_amount(cast, client_for):
    m = _member(cast)
    body = _text(client_for(cast.comm_a_sec).get(f"/dues/?org={cast.branch_a.pk}&month=2026-03"))
    assert "确定登记 作废测试人 2026年3月 1 个月的党费 40.00 元并开具收据吗？" in body
    assert f'href="/dues/members/{m.pk}/#pay-form"' in body


def test_the_members_pay_form_shows_months_and_amount_before_recording(cast, client_for):
    m = _member(cast)
    c = client_for(cast.comm_a_sec)
    form = {"member": m.pk, "first_month": "2026-05", "months": "3", "note": "补交"}
    body = _text(c.post("/dues/pay/", {**form, "preview": "1"}))
    assert "作废测试人：2026年5月起 3 个月，应交 120.00 元，实交 120.00 元。" in body
    assert "确定登记 作废测试人 2026年5月起 3 个月的党费 120.00 元并开具收据吗？" in body
    assert not Payment.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="payment").exists()
    r = c.post("/dues/pay/", form, follow=True)
    assert "收据号" in _text(r) and Payment.objects.get().months == 3


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "金额必须大于 0 元，您填的是 -5"),
        ("0", "金额必须大于 0 元，您填的是 0"),
        ("12.345", "金额最多两位小数（精确到分），您填的是 12.345"),
        ("abc", "请填写数字金额（元），例如 35.50；您填的是“abc”。"),
    ],
)
def test_a_bad_base_is_shown_beside_the_field_and_kept(cast, client_for, typed, message):
    m = make_member(
        org=cast.branch_a,
        name="基数测试人",
        birth_date=dt.date(1960, 5, 1),
        joined_on=dt.date(2015, 1, 1),
    )
    r = client_for(cast.comm_a_sec).post(
        f"/dues/members/{m.pk}/base/",
        {"kind": "in_service", "base": typed, "from_month": "2026-07"},
    )
    body = _text(r)
    assert f'<div class="invalid-feedback d-block" id="base_base-error">{message}</div>' in body
    assert f'value="{typed}"' in body and 'value="2026-07"' in body  # what was typed stays
    assert 'aria-invalid="true"' in body
    assert not DuesBase.objects.filter(member=m).exists()


def test_a_base_with_two_decimals_is_accepted(cast):
    m = make_member(
        org=cast.branch_a,
        name="两位小数",
        birth_date=dt.date(1960, 5, 1),
        joined_on=dt.date(2015, 1, 1),
    )
    b = services.base_set(
        acting_user=cast.comm_a_sec,
        member=m,
        kind="retired",
        base="0.01",
        from_month=dt.date(2026, 1, 1),
    )
    assert b.base == Decimal("0.01")


def test_the_pay_and_reason_forms_say_what_is_missing_beside_the_field(cast, client_for):
    m = _member(cast)
    c = client_for(cast.comm_a_sec)
    body = _text(c.post(f"/dues/members/{m.pk}/reasons/", {"from_month": "2026-02"}))
    assert 'id="reason_to_month-error">此项必须填写。<' in body
    assert 'id="reason_reason-error">此项必须填写。<' in body
    assert 'value="2026-02"' in body

    body = _text(
        c.post(
            "/dues/pay/",
            {
                "member": m.pk,
                "first_month": "2026-05",
                "months": "1",
                "amount_paid": "-5",
                "note": "我写的备注",
            },
        )
    )
    assert 'id="pay_amount_paid-error">金额必须大于 0 元，您填的是 -5<' in body
    assert 'value="我写的备注"' in body and 'value="-5"' in body
    body = _text(c.post("/dues/pay/", {"member": m.pk, "first_month": "2026-05", "months": "25"}))
    assert 'id="pay_months-error">一次可交 1 到 24 个月。<' in body
    assert not Payment.objects.exists()


def test_the_api_refuses_an_amount_with_three_decimals(cast):
    m = _member(cast)
    _t, key = token_issue(user=cast.comm_a_sec, name="测试", acting_user=None)
    r = Client().post(
        "/api/v1/dues/payments",
        {"member_id": m.pk, "first_month": "2026-05-01", "amount_paid": "40.005"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 400
    assert r.json()["errors"]["amount_paid"] == ["金额最多两位小数（精确到分），您填的是 40.005"]
    assert not Payment.objects.exists()


def test_a_note_too_long_is_refused_in_the_projects_words_with_both_counts(cast, client_for):
    m = _member(cast)
    note = "补" * 230
    body = _text(
        client_for(cast.comm_a_sec).post(
            "/dues/pay/",
            {"member": m.pk, "first_month": "2026-05", "months": "1", "note": note},
        )
    )
    assert 'id="pay_note-error">不能超过 200 个字（现在 230 个字）。<' in body
    assert f'value="{note}"' in body
    assert not Payment.objects.exists()
