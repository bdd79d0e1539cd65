"""The charity shop's writes at their boundaries: goods in (quantity, value, date, donor), goods
out (never more than the stock; a household of the community), two volunteers and the last
item, the database constraint as the last line, voiding a mistake, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.charity import selectors, services
from dangjian.charity.models import Direction, Item, Movement
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import PlaceKind, ResidentUnit
from tests.factories import make_place

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def rice(cast):
    return services.item_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="大米", unit="袋"
    )


@pytest.fixture
def household(cast):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )


@pytest.fixture
def unit_a(cast):
    return ResidentUnit.objects.create(
        name="县人民医院", kind=ResidentUnit.Kind.HOSPITAL, community=cast.comm_a
    )


def _in(cast, item, quantity=5, **kw):
    kw.setdefault("date", dt.date(2026, 5, 1))
    kw.setdefault("donor_kind", "resident")
    kw.setdefault("donor_name", "王阿姨")
    return services.goods_in(
        acting_user=kw.pop("user", cast.comm_a_sec), item=item, quantity=quantity, today=TODAY, **kw
    )


def _out(cast, item, household, quantity=1, **kw):
    kw.setdefault("date", dt.date(2026, 5, 2))
    return services.goods_out(
        acting_user=kw.pop("user", cast.comm_a_sec),
        item=item,
        quantity=quantity,
        household=household,
        today=TODAY,
        **kw,
    )


def _stock(item) -> int:
    return Item.objects.get(pk=item.pk).stock


def test_a_donation_raises_the_stock_and_is_audited(cast, rice):
    m = _in(cast, rice, 5, value="120")
    assert _stock(rice) == 5
    assert (m.direction, m.quantity, m.value, m.donor_label) == (
        "in",
        5,
        Decimal("120.00"),
        "王阿姨",
    )
    assert AuditEntry.objects.filter(object_id=str(m.pk), action="create").exists()


@pytest.mark.parametrize(
    ("qty", "ok"), [("0", False), ("-1", False), ("1", True), ("两", False), ("", False)]
)
def test_a_quantity_must_be_a_whole_number_above_zero(cast, rice, household, qty, ok):
    if ok:
        _in(cast, rice, qty)
        assert _stock(rice) == 1
        return
    with pytest.raises(ValidationError) as exc:
        _in(cast, rice, qty)
    assert "数量请填大于 0 的整数" in str(exc.value)
    with pytest.raises(ValidationError):
        _out(cast, rice, household, qty)
    assert _stock(rice) == 0 and not Movement.objects.exists()


@pytest.mark.parametrize(
    ("value", "ok"), [("", True), ("0", True), ("35.5", True), ("-0.01", False), ("很多", False)]
)
def test_a_value_is_optional_and_never_negative(cast, rice, value, ok):
    if ok:
        assert _in(cast, rice, 1, value=value).value == (Decimal(value) if value else None)
    else:
        with pytest.raises(ValidationError) as exc:
            _in(cast, rice, 1, value=value)
        assert "价值" in str(exc.value)
        assert not Movement.objects.exists()


def test_today_is_accepted_and_tomorrow_is_refused(cast, rice, household):
    _in(cast, rice, 2, date=TODAY)
    with pytest.raises(ValidationError) as exc:
        _in(cast, rice, 2, date=TODAY + dt.timedelta(days=1))
    assert "不能晚于今天" in str(exc.value)
    with pytest.raises(ValidationError):
        _out(cast, rice, household, 1, date=TODAY + dt.timedelta(days=1))
    assert _stock(rice) == 2 and Movement.objects.count() == 1


def test_each_kind_of_donor_is_named(cast, rice, unit_a):
    assert _in(cast, rice, donor_kind="unit", donor_unit=unit_a).donor_label == "县人民医院"
    assert _in(cast, rice, donor_kind="member", donor_member=cast.member_a).donor_label == "张三"
    for kw, field in [
        ({"donor_kind": "resident", "donor_name": "  "}, "donor_name"),
        ({"donor_kind": "unit", "donor_unit": None}, "donor_unit"),
        ({"donor_kind": "member", "donor_member": None}, "donor_member"),
        ({"donor_kind": "", "donor_name": "x"}, "donor_kind"),
    ]:
        with pytest.raises(ValidationError) as exc:
            _in(cast, rice, **kw)
        assert field in exc.value.message_dict
    assert _stock(rice) == 10


def test_a_donor_of_another_community_is_refused(cast, rice):
    unit_b = ResidentUnit.objects.create(
        name="西山中学", kind=ResidentUnit.Kind.SCHOOL, community=cast.comm_b
    )
    with pytest.raises(ValidationError):
        _in(cast, rice, donor_kind="unit", donor_unit=unit_b)
    with pytest.raises(ValidationError):
        _in(cast, rice, donor_kind="member", donor_member=cast.member_b)
    assert not Movement.objects.exists()


def test_handing_out_exactly_the_stock_leaves_zero_and_one_more_is_refused(cast, rice, household):
    _in(cast, rice, 3)
    with pytest.raises(ValidationError) as exc:
        _out(cast, rice, household, 4)
    assert exc.value.message_dict["quantity"] == ["库存不足：现有 3 袋"]
    assert _stock(rice) == 3 and Movement.objects.count() == 1
    audits = AuditEntry.objects.count()
    m = _out(cast, rice, household, 3, handed_by_member=cast.member_a)
    assert _stock(rice) == 0 and m.household == household and m.handed_by_member == cast.member_a
    assert AuditEntry.objects.count() == audits + 1


def test_two_volunteers_hand_out_the_last_item_one_succeeds_the_other_is_told(cast, household):
    item = services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="棉被")
    _in(cast, item, 1)
    first, second = Item.objects.get(pk=item.pk), Item.objects.get(pk=item.pk)
    assert first.stock == second.stock == 1  # both pages show one left
    _out(cast, first, household, 1)
    with pytest.raises(ValidationError) as exc:
        _out(cast, second, household, 1, user=cast.street_sec)
    assert "库存不足：现有 0 件" in str(exc.value)
    assert _stock(item) == 0
    assert Movement.objects.filter(direction=Direction.OUT).count() == 1


def test_the_database_refuses_a_negative_stock(cast, rice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=rice.pk).update(stock=-1)


def test_an_integrity_error_on_the_stock_becomes_the_same_message(
    cast, rice, household, monkeypatch
):
    """If the conditional UPDATE were ever bypassed, the CHECK constraint still stops it and the
    volunteer sees the same sentence."""
    _in(cast, rice, 1)
    real = services.Item.objects.filter

    def no_condition(*args, **kw):
        kw.pop("stock__gte", None)
        return real(*args, **kw)

    monkeypatch.setattr(services.Item.objects, "filter", no_condition)
    with pytest.raises(ValidationError) as exc:
        _out(cast, rice, household, 2)
    monkeypatch.undo()
    assert "库存不足：现有 1 袋" in str(exc.value)
    assert _stock(rice) == 1 and Movement.objects.count() == 1


def test_an_unknown_household_or_one_of_another_community_is_refused(cast, rice):
    _in(cast, rice, 5)
    up = cast.place_b
    for kind in (PlaceKind.GRID, PlaceKind.BUILDING, PlaceKind.CORRIDOR, PlaceKind.HOUSEHOLD):
        up = make_place(parent=up, community=cast.comm_b, kind=kind, name=f"乙{kind}")
    other = up
    for hh in (None, other, cast.building_a):
        with pytest.raises(ValidationError) as exc:
            _out(cast, rice, hh, 1)
        assert exc.value.message_dict["household"] == ["受助户须是本社区登记的住户。"]
    assert _stock(rice) == 5 and Movement.objects.count() == 1


def test_a_volunteer_of_another_community_is_refused(cast, rice, household):
    _in(cast, rice, 5)
    with pytest.raises(ValidationError):
        _out(cast, rice, household, 1, handed_by_member=cast.member_b)
    assert _stock(rice) == 5


def test_another_community_may_not_write_here(cast, rice, household):
    with pytest.raises(PermissionDenied):
        _in(cast, rice, 1, user=cast.comm_b_sec)
    with pytest.raises(PermissionDenied):
        _in(cast, rice, 1, user=cast.member_user)
    with pytest.raises(PermissionDenied):
        services.item_create(acting_user=cast.comm_b_sec, community=cast.comm_a, name="油")
    assert not Movement.objects.exists()


def test_an_item_name_is_once_per_community(cast, rice):
    with pytest.raises(ValidationError) as exc:
        services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name=" 大米 ")
    assert "同名" in str(exc.value)
    with pytest.raises(ValidationError):
        services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="")
    services.item_create(acting_user=cast.comm_b_sec, community=cast.comm_b, name="大米")


def test_voiding_a_donation_takes_it_back_and_keeps_both_rows(cast, rice):
    m = _in(cast, rice, 5)
    rev = services.movement_void(
        acting_user=cast.comm_a_sec, movement=m, reason="重复登记", today=TODAY
    )
    assert (rev.direction, rev.quantity, rev.voids, rev.note) == ("out", 5, m, "重复登记")
    assert _stock(rice) == 0 and Movement.objects.count() == 2
    with pytest.raises(ValidationError) as exc:
        services.movement_void(acting_user=cast.comm_a_sec, movement=m, reason="再来", today=TODAY)
    assert "已经冲销" in str(exc.value)
    with pytest.raises(ValidationError):
        services.movement_void(acting_user=cast.comm_a_sec, movement=rev, reason="x", today=TODAY)


def test_voiding_a_hand_out_puts_the_goods_back(cast, rice, household):
    _in(cast, rice, 2)
    out = _out(cast, rice, household, 2)
    services.movement_void(
        acting_user=cast.comm_a_sec, movement=out, reason="发错了户", today=TODAY
    )
    assert _stock(rice) == 2


def test_a_donation_already_handed_out_cannot_be_voided(cast, rice, household):
    m = _in(cast, rice, 2)
    _out(cast, rice, household, 1)
    with pytest.raises(ValidationError) as exc:
        services.movement_void(acting_user=cast.comm_a_sec, movement=m, reason="错", today=TODAY)
    assert "库存不足：现有 1 袋" in str(exc.value)
    assert _stock(rice) == 1 and Movement.objects.count() == 2


def test_a_void_needs_a_reason_and_a_secretary_of_the_community(cast, rice):
    m = _in(cast, rice, 2)
    with pytest.raises(ValidationError):
        services.movement_void(acting_user=cast.comm_a_sec, movement=m, reason=" ", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.movement_void(acting_user=cast.comm_b_sec, movement=m, reason="x", today=TODAY)
    assert _stock(rice) == 2


def test_visibility_follows_the_tree(cast, rice):
    m = _in(cast, rice, 1)
    assert list(Item.objects.visible_to(cast.street_sec)) == [rice]
    assert list(Movement.objects.visible_to(cast.comm_a_sec)) == [m]
    for who in (cast.comm_b_sec, cast.outsider, cast.member_user):
        assert not Item.objects.visible_to(who).exists()
        assert not Movement.objects.visible_to(who).exists()


def test_unit_donations_count_a_units_year_without_voided_ones_in_one_query(
    cast, rice, unit_a, django_assert_num_queries
):
    other = ResidentUnit.objects.create(
        name="县税务局", kind=ResidentUnit.Kind.GOVERNMENT, community=cast.comm_a
    )
    _in(cast, rice, 5, donor_kind="unit", donor_unit=unit_a, value="100", date=dt.date(2026, 1, 1))
    _in(cast, rice, 3, donor_kind="unit", donor_unit=unit_a, date=dt.date(2026, 5, 31))
    _in(cast, rice, 9, donor_kind="unit", donor_unit=unit_a, date=dt.date(2025, 12, 31))
    mistake = _in(cast, rice, 7, donor_kind="unit", donor_unit=unit_a, date=dt.date(2026, 3, 1))
    services.movement_void(acting_user=cast.comm_a_sec, movement=mistake, reason="错", today=TODAY)
    _in(cast, rice, 1, donor_kind="member", donor_member=cast.member_a)
    with django_assert_num_queries(1):
        got = selectors.unit_donations([unit_a, other], 2026)
    assert got == {unit_a.pk: selectors.Donations(2, 8, Decimal("100.00"))}
    assert selectors.unit_donations([unit_a], 2025)[unit_a.pk].quantity == 9
