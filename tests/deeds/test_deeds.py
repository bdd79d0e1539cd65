"""Deeds: one record of what members did — recording at its boundaries (all or nothing), who may
record, who may see, tallies per member, attaching to a commitment or a post, the pages and the
export read back, and access from another community (page, export, API)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.deeds import selectors, services
from dangjian.deeds.models import Deed, Participant
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

TODAY = dt.date(2026, 6, 1)


def _record(cast, members, **kw):
    kw.setdefault("date", dt.date(2026, 5, 1))
    kw.setdefault("title", "帮独居老人修水管")
    return services.deed_record(
        acting_user=kw.pop("user", cast.comm_a_sec),
        community=kw.pop("community", cast.comm_a),
        members=members,
        today=TODAY,
        **kw,
    )


@pytest.fixture
def household(cast):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )


def test_a_deed_is_recorded_once_with_everyone_who_took_part_and_their_hours(cast, household):
    other = make_member(org=cast.branch_a_2, name="周七")
    d = _record(cast, {cast.member_a.pk: "2", other.pk: "1.5"}, household=household)
    assert d.household == household
    assert sorted((p.member.name, p.hours) for p in d.participants.all()) == [
        ("周七", Decimal("1.5")),
        ("张三", Decimal("2.0")),
    ]
    assert AuditEntry.objects.filter(object_id=str(d.pk), action="create").exists()


@pytest.mark.parametrize(
    ("hours", "ok"),
    [("0", False), ("0.1", True), ("24", True), ("24.1", False), ("", True), ("两", False)],
)
def test_hours_are_between_zero_and_a_day(cast, hours, ok):
    if ok:
        d = _record(cast, {cast.member_a.pk: hours})
        assert d.participants.get().hours == (Decimal(hours) if hours else None)
    else:
        with pytest.raises(ValidationError):
            _record(cast, {cast.member_a.pk: hours})
        assert not Deed.objects.exists()


def test_today_is_accepted_and_tomorrow_is_refused(cast):
    _record(cast, [cast.member_a.pk], date=TODAY)
    with pytest.raises(ValidationError) as exc:
        _record(cast, [cast.member_a.pk], date=TODAY + dt.timedelta(days=1))
    assert "晚于今天" in str(exc.value)
    assert Deed.objects.count() == 1


def test_a_member_of_another_community_cannot_be_named_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as exc:
        _record(cast, [cast.member_a.pk, cast.member_b.pk])
    assert "参加的党员" in str(exc.value)
    assert not Deed.objects.exists() and not Participant.objects.exists()


def test_a_household_of_another_community_is_refused(cast):
    hh_b = make_place(parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID)
    with pytest.raises(ValidationError):
        _record(cast, [cast.member_a.pk], household=hh_b)


def test_a_member_records_their_own_deed_but_not_someone_elses(cast):
    d = _record(cast, [cast.member_a.pk], user=cast.member_user)
    assert d.recorded_by == cast.member_user
    other = make_member(org=cast.branch_a, name="周七")
    with pytest.raises(PermissionDenied):
        _record(cast, [cast.member_a.pk, other.pk], user=cast.member_user)


def test_another_communitys_secretary_may_not_record_here(cast):
    with pytest.raises(PermissionDenied):
        _record(cast, [cast.member_a.pk], user=cast.comm_b_sec)


def test_visibility_follows_the_tree_and_the_member_sees_their_own(cast):
    mine = _record(cast, [cast.member_a.pk])
    other = make_member(org=cast.branch_a_2, name="周七")
    theirs = _record(cast, [other.pk], title="别人的事")
    assert set(Deed.objects.visible_to(cast.comm_a_sec)) == {mine, theirs}
    assert set(Deed.objects.visible_to(cast.street_sec)) == {mine, theirs}
    assert set(Deed.objects.visible_to(cast.member_user)) == {mine}
    assert not Deed.objects.visible_to(cast.comm_b_sec).exists()
    assert not Deed.objects.visible_to(cast.outsider).exists()


def test_tallies_count_deeds_hours_and_households_within_the_period(cast, household):
    _record(cast, {cast.member_a.pk: "2"}, household=household, date=dt.date(2026, 1, 1))
    _record(cast, {cast.member_a.pk: "3"}, date=dt.date(2026, 5, 1))
    _record(cast, {cast.member_a.pk: "8"}, date=dt.date(2025, 12, 31))
    t = selectors.member_tallies(
        [cast.member_a.pk], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )[cast.member_a.pk]
    assert (t.deeds, t.hours, t.households, t.last) == (
        2,
        Decimal("5.0"),
        1,
        dt.date(2026, 5, 1),
    )
    assert selectors.last_deed_on([cast.member_a.pk]) == {cast.member_a.pk: dt.date(2026, 5, 1)}


def test_tallies_take_a_fixed_number_of_queries(cast, django_assert_num_queries):
    ids = [make_member(org=cast.branch_a).pk for _ in range(5)]
    for i in ids:
        _record(cast, {i: "1"})
    with django_assert_num_queries(1):
        assert len(selectors.member_tallies(ids)) == 5


def test_update_is_audited_and_refuses_a_stale_version(cast):
    d = _record(cast, [cast.member_a.pk])
    services.deed_update(d, acting_user=cast.comm_a_sec, version=d.version, data={"title": "新"})
    with pytest.raises(ValidationError):
        services.deed_update(d, acting_user=cast.comm_a_sec, version=d.version, data={"place": "x"})
    assert Deed.objects.get().title == "新"


def test_delete_is_audited(cast):
    d = _record(cast, [cast.member_a.pk])
    services.deed_delete(d, acting_user=cast.comm_a_sec)
    assert not Deed.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(d.pk), action="delete").exists()


# ---- pages, export, API -------------------------------------------------------------------------


def test_the_secretary_records_a_deed_on_the_page_and_sees_it_listed(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/deeds/new/?org={cast.comm_a.pk}",
        {"date": "2026-05-01", "title": "楼道清扫", "members": [cast.member_a.pk], "hours": "2"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Deed.objects.get()
    assert d.participants.get().hours == Decimal("2.0")
    page = c.get(f"/deeds/?org={cast.comm_a.pk}&year=2026").content.decode()
    assert "楼道清扫" in page and "张三" in page


def test_a_bad_form_says_why_and_saves_nothing(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/deeds/new/?org={cast.comm_a.pk}",
        {"date": "2099-01-01", "title": "", "members": [cast.member_a.pk], "hours": "30"},
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "没有保存" in body
    assert not Deed.objects.exists()


def test_a_member_records_their_own_deed_on_the_phone_form(cast, client_for):
    c = client_for(cast.member_user)
    form = c.get("/deeds/mine/new/").content.decode()
    assert 'name="members"' not in form  # a member names nobody else
    assert c.get(f"/deeds/new/?org={cast.comm_a.pk}").status_code == 404  # the secretaries' form
    assert c.get(f"/deeds/mine/new/?org={cast.comm_b.pk}").status_code == 404  # not theirs
    r = c.post("/deeds/mine/new/", {"date": "2026-05-01", "title": "义务理发"})
    assert r.status_code == 302
    assert list(Deed.objects.get().participants.values_list("member_id", flat=True)) == [
        cast.member_a.pk
    ]


def test_the_export_reads_back_filtered_by_period(cast, client_for):
    _record(cast, {cast.member_a.pk: "2"}, date=dt.date(2026, 3, 1), title="三月的事")
    _record(cast, [cast.member_a.pk], date=dt.date(2026, 5, 1), title="五月的事")
    r = client_for(cast.comm_a_sec).get(
        f"/deeds/export/?org={cast.comm_a.pk}&start=2026-04-01&end=2026-12-31"
    )
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    titles = [row[1] for row in ws.iter_rows(values_only=True)]
    assert "五月的事" in titles and "三月的事" not in titles


def test_another_community_gets_nothing_through_page_export_and_api(cast, client_for):
    d = _record(cast, [cast.member_a.pk], title="甲社区的事")
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/deeds/{d.pk}/").status_code == 404
    assert c.get(f"/deeds/?org={cast.comm_a.pk}").status_code == 404
    assert c.get(f"/deeds/export/?org={cast.comm_a.pk}").status_code == 404
    assert "甲社区的事" not in c.get("/deeds/").content.decode()
    assert c.post(f"/deeds/{d.pk}/delete/").status_code == 404
    assert Deed.objects.filter(pk=d.pk).exists()


def test_list_page_queries_do_not_grow_with_rows(cast, client_for, django_assert_max_num_queries):
    c = client_for(cast.comm_a_sec)
    _record(cast, [cast.member_a.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        c.get(f"/deeds/?org={cast.comm_a.pk}&year=2026")
    for i in range(10):
        m = make_member(org=cast.branch_a)
        _record(cast, {m.pk: "1", cast.member_a.pk: "1"}, title=f"第{i}件")
    with django_assert_max_num_queries(len(one)):
        c.get(f"/deeds/?org={cast.comm_a.pk}&year=2026")


def test_the_list_finds_a_deed_by_a_participants_pinyin_or_initials(cast, client_for):
    other = make_member(org=cast.branch_a_2, name="欧阳秀英")
    _record(cast, {other.pk: "1"}, title="陪老人看病")
    _record(cast, {cast.member_a.pk: "1"}, title="楼道清扫")
    c = client_for(cast.comm_a_sec)
    for q in ("ouyang", "OYXY", "歐陽", "秀英"):
        page = c.get(f"/deeds/?org={cast.comm_a.pk}&year=2026&q={q}").content.decode()
        assert "陪老人看病" in page and "楼道清扫" not in page, q
    page = client_for(cast.comm_b_sec).get(f"/deeds/?org={cast.comm_a.pk}&q=ouyang")
    assert "陪老人看病" not in page.content.decode()
