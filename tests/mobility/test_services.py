"""Writes about mobile members: the member's timeline follows, refusals say why in Chinese,
every write is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.members import services as member_services
from dangjian.members.models import Category, EventKind
from dangjian.mobility import services
from dangjian.mobility.models import ContactLog, Outbound, OutboundState, Way

from .conftest import make_outbound

D = dt.date


def test_going_out_puts_the_event_on_the_members_timeline_and_makes_them_mobile(cast):
    o = services.outbound_create(
        acting_user=cast.comm_a_sec,
        member=cast.member_a,
        left_on=D(2026, 9, 1),
        destination="浙江省义乌市",
        work="小商品经营",
        contact_name="志愿者刘",
        card_no="LD2026-001",
        card_issued_on=D(2026, 9, 1),
        card_valid_until=D(2027, 3, 1),
    )
    event = cast.member_a.events.order_by("-date", "-seq").first()
    assert event.kind == EventKind.GOING_OUT and event.to_org_name == "浙江省义乌市"
    assert Category.MOBILE in event.categories
    assert o.state == OutboundState.OUT and o.recorded_by == cast.comm_a_sec
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Outbound),
        object_id=str(o.pk),
        action=AuditEntry.Action.CREATE,
    ).get()
    assert entry.actor == cast.comm_a_sec and entry.scope_path == cast.branch_a.path


def test_a_member_already_marked_mobile_on_their_page_gets_the_ledger_without_a_second_event(
    cast,
):
    member_services.member_record_event(
        member=cast.member_a,
        kind=EventKind.GOING_OUT,
        date=D(2026, 8, 1),
        acting_user=None,
        to_org_name="深圳",
    )
    make_outbound(cast.member_a, left_on=D(2026, 8, 1))
    assert cast.member_a.events.filter(kind=EventKind.GOING_OUT).count() == 1


def test_a_member_cannot_be_registered_out_twice(cast):
    make_outbound(cast.member_a)
    with pytest.raises(ValidationError) as exc:
        make_outbound(cast.member_a, left_on=D(2026, 10, 1))
    assert "已登记外出" in str(exc.value)


def test_a_paired_contact_is_required_and_cannot_be_the_member(cast):
    with pytest.raises(ValidationError) as exc:
        make_outbound(cast.member_a, contact_name="")
    assert "结对联系" in str(exc.value.message_dict["contact_name"])
    with pytest.raises(ValidationError) as exc:
        make_outbound(cast.member_a, contact_member=cast.member_a)
    assert "不能是本人" in str(exc.value)
    assert not Outbound.objects.exists()
    assert not cast.member_a.events.filter(kind=EventKind.GOING_OUT).exists()


def test_a_card_needs_its_validity_after_its_issue(cast):
    with pytest.raises(ValidationError) as exc:
        make_outbound(
            cast.member_a,
            card_no="LD1",
            card_issued_on=D(2026, 9, 1),
            card_valid_until=D(2026, 9, 1),
        )
    assert "有效期应晚于发放日期" in str(exc.value)
    with pytest.raises(ValidationError):
        make_outbound(cast.member_a, card_no="LD1")


def test_a_secretary_of_another_community_cannot_register_the_member(cast):
    with pytest.raises(ValidationError) as exc:
        services.outbound_create(
            acting_user=cast.comm_b_sec,
            member=cast.member_a,
            left_on=D(2026, 9, 1),
            destination="深圳",
            contact_name="某人",
        )
    assert "管理范围" in str(exc.value)


def test_a_contact_moves_the_last_contact_date_forward_only(cast):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    services.contact_add(
        outbound=o,
        acting_user=cast.comm_a_sec,
        date=D(2026, 10, 5),
        way=Way.PHONE,
        passed_on="传达全会精神",
    )
    services.contact_add(
        outbound=o,
        acting_user=cast.comm_a_sec,
        date=D(2026, 7, 5),
        way=Way.WECHAT,
        difficulties="子女上学",
    )
    o.refresh_from_db()
    assert o.last_contact_on == D(2026, 10, 5)
    assert ContactLog.objects.filter(outbound=o).count() == 2
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, object_repr__contains="电话"
    ).exists()


def test_a_contact_before_leaving_or_without_content_is_refused(cast):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.contact_add(
            outbound=o, acting_user=None, date=D(2026, 5, 31), way=Way.PHONE, passed_on="x"
        )
    assert "不能早于外出日期（2026-06-01）" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.contact_add(outbound=o, acting_user=None, date=D(2026, 6, 1), way=Way.PHONE)
    assert "至少写一项" in str(exc.value)


def test_returning_closes_the_record_and_the_member_is_no_longer_mobile(cast):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    services.outbound_return(
        o, acting_user=cast.comm_a_sec, returned_on=D(2026, 11, 1), expected_version=o.version
    )
    o.refresh_from_db()
    assert o.state == OutboundState.RETURNED and o.returned_on == D(2026, 11, 1)
    event = cast.member_a.events.order_by("-date", "-seq").first()
    assert event.kind == EventKind.RETURNED and Category.MOBILE not in event.categories
    assert not cast.member_a.categories.filter(category=Category.MOBILE).exists()
    with pytest.raises(ValidationError):
        services.outbound_return(o, acting_user=None, returned_on=D(2026, 11, 2))
    with pytest.raises(ValidationError):
        services.contact_add(
            outbound=o, acting_user=None, date=D(2026, 11, 2), way="phone", feedback="x"
        )


def test_a_return_before_leaving_is_refused_and_a_stale_form_conflicts(cast):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.outbound_return(o, acting_user=None, returned_on=D(2026, 5, 31))
    assert "returned_on" in exc.value.message_dict
    with pytest.raises(ConflictError):
        services.outbound_return(
            o, acting_user=None, returned_on=D(2026, 7, 1), expected_version=o.version + 1
        )
    o.refresh_from_db()
    assert o.state == OutboundState.OUT


def test_the_card_is_renewed_with_an_audited_update(cast):
    o = make_outbound(cast.member_a, card_no="LD1", card_valid_until=D(2026, 12, 1))
    services.outbound_update(
        o,
        data={
            "card_no": "LD2",
            "card_issued_on": D(2026, 11, 20),
            "card_valid_until": D(2027, 5, 20),
        },
        acting_user=cast.comm_a_sec,
        expected_version=o.version,
    )
    o.refresh_from_db()
    assert o.card_no == "LD2" and o.version == 2
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Outbound), action=AuditEntry.Action.UPDATE
    ).get()
    assert "card_no" in entry.changes and entry.actor == cast.comm_a_sec
