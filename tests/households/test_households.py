"""困难家庭台帐: registering a difficulty at its boundaries (all or nothing), ending one (kept in
history), need-to-know (only those who may change the community see the register), masking and
the audited reveal, pairing through the check-in's one kind of pairing, help recorded once as a
deed, the counts per kind, the export, the API, the 待办 item and the list's query count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import Grant
from dangjian.checkin import services as checkin_services
from dangjian.checkin.models import Pairing
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.deeds.models import Deed
from dangjian.deeds.selectors import member_tallies
from dangjian.households import selectors, services, todos
from dangjian.households.models import Difficulty, Kind
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

TODAY = timezone.localdate()


@pytest.fixture
def household(cast):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="困难户101室"
    )


@pytest.fixture
def viewer(cast):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    return cast.outsider


def _record(cast, household, **kw):
    kw.setdefault("kind", Kind.ALONE)
    kw.setdefault("since", TODAY - dt.timedelta(days=30))
    kw.setdefault("note", "每周上门送药")
    return services.difficulty_record(
        acting_user=kw.pop("user", cast.comm_a_sec), household=household, **kw
    )


def _checked_in(cast, name="结对党员甲"):
    m = make_member(org=cast.branch_b, name=name)
    return checkin_services.check_in(
        acting_user=cast.admin,
        member=m,
        community=cast.comm_a,
        employer="县直单位",
        on=TODAY - dt.timedelta(days=60),
    )


# ---- registering ------------------------------------------------------------------------
def test_a_secretary_registers_a_difficulty_of_a_household_and_it_is_audited_masked(
    cast, household
):
    d = _record(cast, household)
    assert d.household == household and d.until is None
    entry = AuditEntry.objects.get(
        object_id=str(d.pk),
        action=AuditEntry.Action.CREATE,
        content_type__model="difficulty",
    )
    assert "上门送药" not in str(entry.changes) and "alone" not in str(entry.changes)
    assert entry.scope_path == cast.comm_a.path


@pytest.mark.parametrize(("days", "ok"), [(0, True), (-1, False)])
def test_the_start_may_be_today_but_not_tomorrow(cast, household, days, ok):
    since = TODAY + dt.timedelta(days=-days)
    if ok:
        assert _record(cast, household, since=since).since == since
    else:
        with pytest.raises(ValidationError, match="起始日期不能晚于今天"):
            _record(cast, household, since=since)
        assert not Difficulty.objects.exists()


@pytest.mark.parametrize(("length", "ok"), [(200, True), (201, False)])
def test_the_note_is_short(cast, household, length, ok):
    if ok:
        assert len(_record(cast, household, note="情" * length).note) == length
    else:
        with pytest.raises(ValidationError, match="情况说明请写简短些"):
            _record(cast, household, note="情" * length)
        assert not Difficulty.objects.exists()


def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(cast, household):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="请选择困难类别"):
        _record(cast, household, kind="rich")
    with pytest.raises(ValidationError, match="请填写起始日期"):
        _record(cast, household, since=None)
    with pytest.raises(ValidationError, match="请选择社区登记的住户"):
        _record(cast, cast.building_a)  # a building is not a household
    with pytest.raises(ValidationError, match="请选择社区登记的住户"):
        _record(cast, 987654321)  # an unknown household
    assert not Difficulty.objects.exists() and AuditEntry.objects.count() == before


def test_another_communitys_secretary_cannot_register_a_household_of_community_a(cast, household):
    with pytest.raises(PermissionDenied):
        _record(cast, household, user=cast.comm_b_sec)
    assert not Difficulty.objects.exists()


def test_one_open_row_per_kind_and_the_database_holds_it_too(cast, household):
    _record(cast, household)
    with pytest.raises(ValidationError, match="已登记了这一类困难"):
        _record(cast, household)
    _record(cast, household, kind=Kind.DIBAO)  # another kind is another row
    with pytest.raises(IntegrityError), transaction.atomic():
        Difficulty.objects.create(household=household, kind=Kind.ALONE, since=TODAY)


# ---- ending ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("until", "message"),
    [(-31, "不能早于起始日期"), (-30, None), (0, None), (1, "不能晚于今天")],
)
def test_an_end_lies_between_the_start_and_today(cast, household, until, message):
    d = _record(cast, household)  # since = today - 30
    on = TODAY + dt.timedelta(days=until)
    if message:
        with pytest.raises(ValidationError, match=message):
            services.difficulty_end(d, acting_user=cast.comm_a_sec, until=on, version=d.version)
        d.refresh_from_db()
        assert d.until is None
    else:
        d = services.difficulty_end(d, acting_user=cast.comm_a_sec, until=on, version=1)
        assert d.until == on and Difficulty.objects.count() == 1  # kept in history


def test_an_ended_row_stays_and_the_kind_can_be_registered_again(cast, household):
    d = _record(cast, household)
    services.difficulty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=1)
    with pytest.raises(ValidationError, match="已经结束"):
        services.difficulty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=2)
    _record(cast, household, since=TODAY)
    assert Difficulty.objects.filter(household=household).count() == 2


def test_two_secretaries_ending_one_row_at_once_one_wins_the_other_is_told(cast, household):
    d = _record(cast, household)
    services.difficulty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=1)
    with pytest.raises(ValidationError):
        services.difficulty_end(d, acting_user=cast.admin, until=TODAY, version=1)


def test_a_stale_version_is_a_conflict(cast, household):
    d = _record(cast, household)
    Difficulty.objects.filter(pk=d.pk).update(version=2)
    with pytest.raises(ConflictError):
        services.difficulty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=1)


# ---- need-to-know and the reveal ---------------------------------------------------------
def test_only_those_who_may_change_the_community_see_the_register(cast, household, viewer):
    _record(cast, household)
    assert Difficulty.objects.visible_to(cast.comm_a_sec).count() == 1
    assert Difficulty.objects.visible_to(cast.street_sec).count() == 1
    for who in (viewer, cast.member_user, cast.comm_b_sec, cast.branch_sec):
        assert Difficulty.objects.visible_to(who).count() == 0, who


def test_the_pages_are_a_404_for_a_viewer_a_member_and_another_community(
    cast, client_for, household, viewer
):
    _record(cast, household)
    for who in (viewer, cast.member_user, cast.comm_b_sec):
        c = client_for(who)
        assert c.get(f"/households/?org={cast.comm_a.pk}").status_code == 404
        assert c.get(f"/households/{household.pk}/").status_code == 404
        assert c.post(f"/households/{household.pk}/reveal/").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_kind_and_note_are_masked_until_revealed_and_each_reveal_is_logged(
    cast, client_for, household
):
    _record(cast, household)
    c = client_for(cast.comm_a_sec)
    for url in (f"/households/?org={cast.comm_a.pk}", f"/households/{household.pk}/"):
        page = c.get(url).content.decode()
        assert "困难户101室" in page
        assert "上门送药" not in page and "独居老人</b>" not in page and "●●●" in page
    r = c.post(f"/households/{household.pk}/reveal/")
    page = r.content.decode()
    assert "每周上门送药" in page and "独居老人" in page
    assert r["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert entry.object_id == str(household.pk) and entry.scope_path == cast.comm_a.path


def test_a_list_filtered_by_kind_is_a_logged_reveal(cast, client_for, household):
    _record(cast, household)
    page = client_for(cast.comm_a_sec).get(f"/households/?org={cast.comm_a.pk}&kind=alone")
    assert "困难户101室" in page.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).count() == 1


# ---- the list ----------------------------------------------------------------------------
def test_filters_by_kind_area_and_state(cast, household):
    other_building = make_place(
        parent=cast.building_a.parent, community=cast.comm_a, kind=PlaceKind.BUILDING, name="2号楼"
    )
    corridor = make_place(
        parent=other_building, community=cast.comm_a, kind=PlaceKind.CORRIDOR, name="2单元"
    )
    far = make_place(parent=corridor, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="201")
    _record(cast, household)
    d = _record(cast, far, kind=Kind.DIBAO)
    services.difficulty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=1)
    user = cast.comm_a_sec

    def names(**kw):
        return [r.household.name for r in selectors.register(user=user, **kw)]

    assert names() == ["困难户101室"]
    assert names(active=None) == ["困难户101室", "201"] or set(names(active=None)) == {
        "困难户101室",
        "201",
    }
    assert names(active=False) == ["201"]
    assert names(active=None, kind=Kind.DIBAO) == ["201"]
    assert names(active=None, area=cast.building_a) == ["困难户101室"]
    assert names(active=None, area=other_building) == ["201"]
    # a period: rows that overlap it
    assert names(active=None, start=TODAY + dt.timedelta(days=1)) == ["困难户101室"]
    assert names(active=None, end=TODAY - dt.timedelta(days=31)) == []


def test_counts_per_kind_per_community(cast, household):
    _record(cast, household)
    _record(cast, household, kind=Kind.DIBAO)
    second = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="102"
    )
    _record(cast, second, kind=Kind.DIBAO)
    ended = _record(cast, second, kind=Kind.ILLNESS)
    services.difficulty_end(ended, acting_user=cast.comm_a_sec, until=TODAY, version=1)
    [row] = selectors.counts_by_kind(user=cast.comm_a_sec, community=cast.comm_a)
    counts = dict(zip(Kind.values, row["counts"], strict=True))
    assert counts[Kind.DIBAO] == 2 and counts[Kind.ALONE] == 1 and counts[Kind.ILLNESS] == 0
    assert row["households"] == 2 and row["total"] == 3
    assert selectors.counts_by_kind(user=cast.comm_b_sec) == []


@pytest.mark.parametrize("rows", [1, 10])
def test_the_list_page_costs_the_same_for_1_and_10_rows(
    cast, client_for, django_assert_max_num_queries, rows
):
    c = client_for(cast.comm_a_sec)
    for i in range(rows):
        h = make_place(
            parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name=f"{i}"
        )
        _record(cast, h)
    c.get(f"/households/?org={cast.comm_a.pk}")  # warm the session and the scope
    with django_assert_max_num_queries(14):
        r = c.get(f"/households/?org={cast.comm_a.pk}")
    assert r.status_code == 200 and r.content.decode().count("●●●") >= rows


# ---- export ------------------------------------------------------------------------------
def _cells(response) -> str:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_the_export_is_masked_unless_asked_and_both_are_logged(cast, client_for, household):
    _record(cast, household)
    c = client_for(cast.comm_a_sec)
    url = f"/households/export/?org={cast.comm_a.pk}&active="
    masked = _cells(c.get(url))
    assert "困难户101室" in masked and "上门送药" not in masked and "独居老人" not in masked
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()
    full = _cells(c.get(url + "&reveal=1"))
    assert "每周上门送药" in full and "独居老人" in full
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).count() == 1


def test_the_export_takes_the_period(cast, client_for, household):
    _record(cast, household)
    c = client_for(cast.comm_a_sec)
    early = TODAY - dt.timedelta(days=400)
    r = c.get(f"/households/export/?org={cast.comm_a.pk}&start={early}&end={early}")
    assert "困难户101室" not in _cells(r)


# ---- pairing and help --------------------------------------------------------------------
def test_a_secretary_pairs_a_checked_in_member_through_the_check_in_pairing(
    cast, client_for, household
):
    _record(cast, household)
    checkin = _checked_in(cast)
    c = client_for(cast.comm_a_sec)
    r = c.post(f"/households/{household.pk}/pair/", {"checkin": checkin.pk, "since": TODAY})
    assert r.status_code == 302
    p = Pairing.objects.get()
    assert p.checkin == checkin and p.household == household
    assert "结对党员甲" in c.get(f"/households/{household.pk}/").content.decode()
    # once is enough
    r = c.post(f"/households/{household.pk}/pair/", {"checkin": checkin.pk, "since": TODAY})
    assert "已经与这户结对了" in r.content.decode() and Pairing.objects.count() == 1


def test_pairing_is_refused_for_someone_not_checked_in_or_a_household_not_in_the_register(
    cast, household
):
    checkin = _checked_in(cast)
    with pytest.raises(ValidationError, match="请先登记困难情况"):
        services.household_pair(
            acting_user=cast.comm_a_sec, household=household, checkin=checkin, since=TODAY
        )
    _record(cast, household)
    elsewhere = checkin_services.check_in(
        acting_user=cast.admin,
        member=make_member(org=cast.branch_a_2),
        community=cast.comm_b,
        employer="县直单位",
        on=TODAY,
    )
    with pytest.raises(ValidationError, match="在本社区报到"):
        services.household_pair(
            acting_user=cast.comm_a_sec, household=household, checkin=elsewhere, since=TODAY
        )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.household_pair(
            acting_user=cast.comm_a_sec,
            household=household,
            checkin=checkin,
            since=TODAY + dt.timedelta(days=1),
        )
    assert not Pairing.objects.exists()


def test_help_is_one_deed_for_the_household_and_counts_in_the_members_check_in_year(
    cast, client_for, household
):
    _record(cast, household)
    checkin = _checked_in(cast)
    services.household_pair(
        acting_user=cast.comm_a_sec, household=household, checkin=checkin, since=TODAY
    )
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/households/{household.pk}/help/",
        {"date": TODAY, "title": "送米送油", "members": [checkin.member_id]},
    )
    assert r.status_code == 302
    deed = Deed.objects.get()
    assert deed.household == household and deed.community == cast.comm_a
    assert [p.member_id for p in deed.participants.all()] == [checkin.member_id]
    tally = member_tallies([checkin.member_id], community=cast.comm_a)[checkin.member_id]
    assert tally.deeds == 1 and tally.households == 1
    page = c.get(f"/households/{household.pk}/").content.decode()
    assert "送米送油" in page and "结对党员甲" in page


def test_help_without_a_member_or_title_or_in_the_future_changes_nothing(
    cast, client_for, household
):
    _record(cast, household)
    checkin = _checked_in(cast)
    services.household_pair(
        acting_user=cast.comm_a_sec, household=household, checkin=checkin, since=TODAY
    )
    c = client_for(cast.comm_a_sec)
    url = f"/households/{household.pk}/help/"
    r = c.post(url, {"date": TODAY, "title": "送米"})
    assert "请至少选择一名参加帮扶的党员" in r.content.decode()
    tomorrow = TODAY + dt.timedelta(days=1)
    r = c.post(url, {"date": tomorrow, "title": "送米", "members": [checkin.member_id]})
    assert "日期不能晚于今天" in r.content.decode()
    assert not Deed.objects.exists()


# ---- 待办 and the rule -------------------------------------------------------------------
def test_the_todo_counts_households_with_fewer_pairings_than_the_rule(cast, household, settings):
    from dangjian.core import rules

    _record(cast, household)
    _record(cast, household, kind=Kind.DIBAO)  # two kinds, still one household
    assert todos.unpaired_count(user=cast.comm_a_sec, org=cast.comm_a) == 1
    [item] = todos.todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    assert item.count == 1 and "1 户困难家庭" in item.label
    checkin = _checked_in(cast)
    services.household_pair(
        acting_user=cast.comm_a_sec, household=household, checkin=checkin, since=TODAY
    )
    assert todos.unpaired_count(user=cast.comm_a_sec, org=cast.comm_a) == 0  # 1 ≥ min 1
    settings.DANGJIAN_RULES = {"default": {"households.pairing": {"min_members": 2}}}
    rules.reset_cache()
    try:
        assert todos.unpaired_count(user=cast.comm_a_sec, org=cast.comm_a) == 1  # 1 < 2
    finally:
        del settings.DANGJIAN_RULES
        rules.reset_cache()
    assert todos.todos(user=cast.member_user, org=cast.comm_a, today=TODAY) == []


# ---- API ---------------------------------------------------------------------------------
def test_the_api_lists_masked_rows_and_reveals_on_request(cast, client_for, household):
    _record(cast, household)
    c = client_for(cast.comm_a_sec)
    body = c.get(f"/api/v1/households/?org={cast.comm_a.pk}").json()
    [row] = body["items"]
    assert row["household"] == "困难户101室" and row["kind"] == "***" and row["note"] == "***"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()
    row = c.get(f"/api/v1/households/?org={cast.comm_a.pk}&reveal=true").json()["items"][0]
    assert row["kind"] == "alone" and row["note"] == "每周上门送药"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).count() == 1
    assert client_for(cast.comm_b_sec).get("/api/v1/households/").json()["items"] == []
    r = client_for(cast.comm_b_sec).get(f"/api/v1/households/?org={cast.comm_a.pk}")
    assert r.status_code == 404


def test_the_api_records_a_difficulty_and_refuses_bad_input(cast, client_for, household):
    c = client_for(cast.comm_a_sec)
    url = "/api/v1/households/"
    payload = {"household_id": household.pk, "kind": "dibao", "since": str(TODAY)}
    r = c.post(url, payload, content_type="application/json")
    assert r.status_code == 201 and Difficulty.objects.count() == 1
    bad = {**payload, "since": str(TODAY + dt.timedelta(days=1)), "kind": "alone"}
    r = c.post(url, bad, content_type="application/json")
    assert r.status_code == 400 and "起始日期" in r.json()["detail"]
    r = client_for(cast.comm_b_sec).post(url, payload, content_type="application/json")
    assert r.status_code == 404 and Difficulty.objects.count() == 1


def test_the_create_page_registers_and_shows_errors(cast, client_for, household):
    c = client_for(cast.comm_a_sec)
    url = f"/households/new/?org={cast.comm_a.pk}"
    assert c.get(url).status_code == 200
    r = c.post(url, {"household": household.pk, "kind": "alone", "since": "2999-01-01"})
    assert "起始日期不能晚于今天" in r.content.decode() and not Difficulty.objects.exists()
    r = c.post(url, {"household": household.pk, "kind": "alone", "since": str(TODAY)})
    assert r.status_code == 302 and Difficulty.objects.count() == 1


def test_the_end_page_keeps_the_row(cast, client_for, household):
    d = _record(cast, household)
    c = client_for(cast.comm_a_sec)
    r = c.post(f"/households/difficulties/{d.pk}/end/", {"version": 1, "until": str(TODAY)})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.until == TODAY
    assert (
        client_for(cast.comm_b_sec)
        .post(f"/households/difficulties/{d.pk}/end/", {"version": 2, "until": str(TODAY)})
        .status_code
        == 404
    )


def test_the_demo_step_registers_pairs_and_helps_in_every_community(cast, household):
    """The demo module on a one-community stand-in: the cast's community with one household
    paired by the check-in demo's kind of pairing and a few unpaired ones."""
    from types import SimpleNamespace

    from dangjian.demo.households import build_households

    for _i in range(3):
        make_place(parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD)
    checkin = _checked_in(cast)
    checkin_services.pairing_add(
        checkin, acting_user=cast.admin, household=household, since=checkin.checked_in_on
    )
    demo = SimpleNamespace(admin=cast.admin, communities=[SimpleNamespace(org=cast.comm_a)])
    lines: list[str] = []
    build_households(demo, log=lines.append)
    assert Difficulty.objects.filter(household=household, until__isnull=True).exists()
    assert Difficulty.objects.filter(until__isnull=False).count() == 1
    assert Deed.objects.filter(household=household).exists()
    assert Pairing.objects.count() == 2
    assert todos.unpaired_count(user=cast.comm_a_sec, org=cast.comm_a) == 1
    assert "困难家庭台帐" in lines[0]


def test_the_list_page_shows_the_counts_per_kind(cast, client_for, household):
    _record(cast, household, kind=Kind.DIBAO)
    page = client_for(cast.comm_a_sec).get(f"/households/?org={cast.comm_a.pk}").content.decode()
    assert "低保 1</span>" in page and "1 户" in page
