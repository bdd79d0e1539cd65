"""Care services: the care list, visits (one home or a round, all or nothing), the mutual-aid
fund by the weighting rule — each refusal in Chinese and changing nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.care import services
from dangjian.care.models import AidGrant, AidRound, AidState, Recipient, Visit
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from tests.factories import make_member

from .conftest import last_holiday_before_today, make_recipient

D = dt.date
pytestmark = pytest.mark.django_db


def _msgs(exc):
    return " ".join(m for v in exc.value.message_dict.values() for m in v)


def test_a_member_goes_on_the_list_once_with_a_reason(cast):
    r = make_recipient(cast.member_a, elderly=True)
    assert r.reasons == ["年老"]
    assert AuditEntry.objects.filter(object_id=str(r.pk), action="create").exists()
    with pytest.raises(ValidationError) as exc:
        make_recipient(cast.member_a, weak=True)
    assert "已在关爱对象名单中" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:
        services.recipient_add(
            acting_user=None, member=make_member(org=cast.branch_a), since=D(2026, 1, 1)
        )
    assert "请至少选择一项关爱原因" in _msgs(exc)
    assert Recipient.objects.count() == 1


def test_a_project_needs_its_name_and_the_list_date_cannot_be_ahead(cast):
    with pytest.raises(ValidationError) as exc:
        make_recipient(cast.member_a, hardship=True, has_project=True)
    assert "请填写发展项目" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:
        make_recipient(cast.member_a, since=timezone.localdate() + dt.timedelta(days=1))
    assert "列入日期不能晚于今天" in _msgs(exc)


def test_a_secretary_cannot_put_another_communitys_member_on_the_list(cast):
    with pytest.raises(ValidationError) as exc:
        services.recipient_add(
            acting_user=cast.comm_a_sec, member=cast.member_b, since=D(2026, 1, 1), weak=True
        )
    assert "不在您的管理范围内" in _msgs(exc)
    assert not Recipient.objects.exists()


def test_an_edit_from_a_stale_form_is_refused(cast):
    r = make_recipient(cast.member_a)
    services.recipient_update(
        r, data={"situation": "独居"}, acting_user=cast.comm_a_sec, expected_version=1
    )
    with pytest.raises(ConflictError):
        services.recipient_update(
            r, data={"situation": "子女在外地"}, acting_user=cast.comm_a_sec, expected_version=1
        )
    assert Recipient.objects.get().situation == "独居"


def test_ending_keeps_the_history_and_allows_a_new_record_later(cast):
    r = make_recipient(cast.member_a)
    services.recipient_end(r, acting_user=None, ended_on=D(2026, 3, 1), reason="生活好转")
    with pytest.raises(ValidationError) as exc:
        services.recipient_update(
            Recipient.objects.get(pk=r.pk), data={"situation": "x"}, acting_user=None
        )
    assert "已移出" in " ".join(exc.value.messages)
    again = make_recipient(cast.member_a, since=D(2026, 6, 1))
    assert again.pk != r.pk and Recipient.objects.current().get().pk == again.pk


def test_a_holiday_visit_is_filed_under_the_holiday_its_date_belongs_to(cast):
    brk, on = last_holiday_before_today()
    r = make_recipient(cast.member_a)
    v = services.visit_add(
        recipient=r,
        acting_user=cast.comm_a_sec,
        kind="holiday",
        holiday=brk.key,
        date=on,
        visitors="社区党委书记",
        gift="米、油",
        money=Decimal("300"),
    )
    assert (v.holiday, v.holiday_on) == (brk.key, brk.start)
    assert v.occasion == brk.title


def test_a_holiday_visit_far_from_the_holiday_is_refused(cast):
    r = make_recipient(cast.member_a)
    with pytest.raises(ValidationError) as exc:
        services.visit_add(
            recipient=r,
            acting_user=None,
            kind="holiday",
            holiday="dragon_boat",
            date=D(2026, 1, 10),
            visitors="书记",
        )
    assert "前后没有端午节" in _msgs(exc)
    assert not Visit.objects.exists()


def test_study_at_home_needs_what_was_taken(cast):
    r = make_recipient(cast.member_a)
    with pytest.raises(ValidationError) as exc:
        services.visit_add(
            recipient=r, acting_user=None, kind="study", date=D(2026, 5, 1), visitors="支部书记"
        )
    assert "请填写送学内容" in _msgs(exc)
    v = services.visit_add(
        recipient=r,
        acting_user=None,
        kind="study",
        date=D(2026, 5, 1),
        visitors="支部书记",
        materials="党的二十届四中全会精神学习辅导材料",
    )
    assert v.holiday == "" and v.holiday_on is None


def test_a_visit_before_the_listing_or_in_the_future_is_refused(cast):
    r = make_recipient(cast.member_a, since=D(2026, 3, 1))
    for day, words in (
        (D(2026, 2, 28), "列入关爱对象"),
        (timezone.localdate() + dt.timedelta(days=1), "不能晚于今天"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.visit_add(
                recipient=r, acting_user=None, kind="other", date=day, visitors="书记"
            )
        assert words in _msgs(exc)


def test_a_round_of_visits_is_all_or_nothing_and_names_who_failed(cast):
    ok = make_recipient(cast.member_a, since=D(2025, 1, 1))
    late = make_recipient(make_member(org=cast.branch_a, name="王晚列"), since=D(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.visits_add(
            recipients=[ok, late],
            acting_user=cast.comm_a_sec,
            kind="other",
            date=D(2026, 5, 1),
            visitors="书记",
        )
    assert "王晚列：" in _msgs(exc)
    assert not Visit.objects.exists()


def test_a_round_refuses_a_member_outside_the_users_tree(cast):
    mine = make_recipient(cast.member_a)
    theirs = make_recipient(cast.member_b)
    with pytest.raises(ValidationError):
        services.visits_add(
            recipients=[mine, theirs],
            acting_user=cast.comm_a_sec,
            kind="other",
            date=D(2026, 5, 1),
            visitors="书记",
        )
    assert not Visit.objects.exists()


def test_withdrawing_a_visit_is_audited(cast):
    r = make_recipient(cast.member_a)
    v = services.visit_add(
        recipient=r, acting_user=None, kind="other", date=D(2026, 5, 1), visitors="书记"
    )
    services.visit_withdraw(v, acting_user=cast.comm_a_sec)
    assert not Visit.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_repr__contains="走访看望").exists()


# --- the mutual-aid fund ----------------------------------------------------------------------


def _round(cast, recipients, fund="1000", **kw):
    return services.aid_round_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        title="2027年春节党员互助金",
        fund=Decimal(fund),
        recipients=recipients,
        **kw,
    )


def test_the_fund_leans_toward_members_with_a_project(cast):
    project = make_recipient(
        make_member(org=cast.branch_a, name="赵养殖"), has_project=True, project="养鸡"
    )
    plain = [make_recipient(make_member(org=cast.branch_a_2)) for _ in range(2)]
    rnd = _round(cast, [plain[0], project, plain[1]])
    got = {g.recipient_id: (g.shares, g.amount) for g in rnd.grants.all()}
    assert got[project.pk] == (2, Decimal("500.00"))
    assert got[plain[0].pk] == got[plain[1].pk] == (1, Decimal("250.00"))
    assert (rnd.project_weight, rnd.difficulty_weight) == (2, 1)


def test_a_round_is_for_the_own_community_only(cast):
    theirs = make_recipient(cast.member_b)
    with pytest.raises(ValidationError) as exc:
        _round(cast, [theirs])
    assert "不是本社区的党员" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:
        services.aid_round_create(
            acting_user=cast.comm_a_sec,
            org=cast.comm_b,
            title="x",
            fund=Decimal("10"),
            recipients=[theirs],
        )
    assert "不在您的管理范围内" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:
        services.aid_round_create(
            acting_user=cast.comm_a_sec,
            org=cast.branch_a,
            title="x",
            fund=Decimal("10"),
            recipients=[],
        )
    assert "请选择社区" in _msgs(exc)
    assert not AidRound.objects.exists()


def test_an_amount_departing_from_the_rule_needs_a_reason_then_payment_fixes_it(cast):
    a = make_recipient(make_member(org=cast.branch_a, name="甲困难"))
    b = make_recipient(make_member(org=cast.branch_a, name="乙困难"))
    rnd = _round(cast, [a, b], fund="600")
    g = rnd.grants.get(recipient=a)
    with pytest.raises(ValidationError) as exc:
        services.aid_grant_adjust(g, acting_user=cast.comm_a_sec, amount=Decimal("400"))
    assert "请写明调整理由" in _msgs(exc)
    services.aid_grant_adjust(
        g, acting_user=cast.comm_a_sec, amount=Decimal("400"), reason="住院，医药费高"
    )
    g.refresh_from_db()
    assert (g.amount, g.proposed, g.adjust_reason) == (
        Decimal("400.00"),
        Decimal("300.00"),
        "住院，医药费高",
    )
    rnd.refresh_from_db()
    with pytest.raises(ConflictError):
        services.aid_round_pay(
            rnd, acting_user=cast.comm_a_sec, paid_on=D(2026, 11, 1), expected_version=1
        )
    services.aid_round_pay(
        rnd, acting_user=cast.comm_a_sec, paid_on=D(2026, 11, 1), expected_version=rnd.version
    )
    rnd.refresh_from_db()
    assert rnd.state == AidState.PAID
    with pytest.raises(ValidationError) as exc:
        services.aid_grant_adjust(g, acting_user=cast.comm_a_sec, amount=Decimal("1"), reason="x")
    assert "已发放" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        services.aid_round_delete(rnd, acting_user=cast.comm_a_sec)
    assert AidGrant.objects.count() == 2


def test_a_draft_can_be_discarded(cast):
    rnd = _round(cast, [make_recipient(cast.member_a)])
    services.aid_round_delete(rnd, acting_user=cast.comm_a_sec)
    assert not AidRound.objects.exists() and not AidGrant.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 2


def test_two_secretaries_adjusting_the_same_round_do_not_overwrite_each_other(cast):
    a = make_recipient(make_member(org=cast.branch_a, name="甲困难"))
    b = make_recipient(make_member(org=cast.branch_a, name="乙困难"))
    rnd = _round(cast, [a, b], fund="600")
    seen = AidRound.objects.get(pk=rnd.pk).version
    ga, gb = rnd.grants.get(recipient=a), rnd.grants.get(recipient=b)
    services.aid_grant_adjust(
        ga, acting_user=cast.comm_a_sec, amount=Decimal("350"), reason="病", expected_version=seen
    )
    with pytest.raises(ConflictError):
        services.aid_grant_adjust(
            gb,
            acting_user=cast.comm_a_sec,
            amount=Decimal("100"),
            reason="x",
            expected_version=seen,
        )
    gb.refresh_from_db()
    assert gb.amount == Decimal("300.00")


def test_each_grant_of_a_round_is_audited_with_its_amount(cast):
    rnd = _round(cast, [make_recipient(cast.member_a)], fund="88")
    g = rnd.grants.get()
    entry = AuditEntry.objects.get(
        action="create", object_id=str(g.pk), content_type__model="aidgrant"
    )
    assert entry.changes["amount"]["after"] == "88.00"
