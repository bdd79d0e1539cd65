"""A check-in keeps no copy of what is recorded elsewhere (issue 14): its deeds are the
community's deeds the member took part in while checked in, its pairings point at households on
the places tree, its post is the post the member holds, its employer is on the member record."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from dangjian.checkin import selectors, services
from dangjian.checkin.models import CheckIn, Pairing
from dangjian.commitments.models_posts import Post, PostHolder
from dangjian.deeds.models import Deed, Participant
from dangjian.members.models import Member
from dangjian.orgs.models import PlaceKind, ResidentUnit
from dangjian.volunteering.models import Team
from tests.factories import make_member, make_place

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def worker(cast):
    return make_member(org=cast.branch_b, name="孙在职", categories=("in_service",))


@pytest.fixture
def households(cast):
    """Two households of community A's building, one of community B."""
    a1 = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101"
    )
    a2 = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="102"
    )
    grid_b = make_place(
        parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID, name="二网格"
    )
    b_building = make_place(
        parent=grid_b, community=cast.comm_b, kind=PlaceKind.BUILDING, name="9号楼"
    )
    b_corridor = make_place(
        parent=b_building, community=cast.comm_b, kind=PlaceKind.CORRIDOR, name="1单元"
    )
    b1 = make_place(parent=b_corridor, community=cast.comm_b, kind=PlaceKind.HOUSEHOLD, name="901")
    return a1, a2, b1


def _in(cast, worker, on=dt.date(2026, 3, 1), **kw):
    kw.setdefault("employer", "县税务局")
    return services.check_in(
        acting_user=cast.comm_a_sec, member=worker, community=cast.comm_a, on=on, **kw
    )


def _took_part(member, community, day, title, **fields):
    d = Deed.objects.create(community=community, date=day, title=title, **fields)
    Participant.objects.create(deed=d, member=member)
    return d


def _standing(c, today=TODAY):
    return selectors.standings([c], year=today.year, today=today)[0]


# --- deeds -----------------------------------------------------------------------------------


def test_a_volunteer_service_in_the_community_counts_for_the_check_in_year(cast, worker):
    c = _in(cast, worker)
    team = Team.objects.create(community=cast.comm_a, name="党员义工队", kind="yigong")
    _took_part(worker, cast.comm_a, dt.date(2026, 4, 1), "义务理发", team=team)
    assert _standing(c).deeds == 1


def test_deeds_elsewhere_or_before_checking_in_do_not_count(cast, worker):
    c = _in(cast, worker, on=dt.date(2026, 3, 1))
    _took_part(worker, cast.comm_b, dt.date(2026, 4, 1), "在别的社区")
    _took_part(worker, cast.comm_a, dt.date(2026, 2, 28), "报到前一天")
    assert _standing(c).deeds == 0
    _took_part(worker, cast.comm_a, dt.date(2026, 3, 1), "报到当天")
    assert _standing(c).deeds == 1


def test_a_deed_after_the_check_in_ended_does_not_count(cast, worker):
    c = _in(cast, worker, on=dt.date(2026, 3, 1))
    services.check_out(c, acting_user=cast.comm_a_sec, on=dt.date(2026, 6, 30), reason="搬家")
    c = CheckIn.objects.select_related("member", "community").get(pk=c.pk)
    _took_part(worker, cast.comm_a, dt.date(2026, 6, 30), "最后一天")
    _took_part(worker, cast.comm_a, dt.date(2026, 7, 1), "解除之后")
    assert _standing(c).deeds == 1


def test_recording_a_deed_on_the_check_in_page_records_one_deed_of_the_community(
    cast, worker, households, client_for
):
    a1, _a2, b1 = households
    c = _in(cast, worker)
    page = client_for(cast.comm_a_sec)
    body = page.get(f"/checkin/{c.pk}/").content.decode()
    assert f'value="{a1.pk}"' in body and f'value="{b1.pk}"' not in body
    page.post(
        f"/checkin/{c.pk}/deeds/", {"date": "2026-05-01", "title": "修水管", "household": a1.pk}
    )
    (d,) = Deed.objects.all()
    assert (d.community, d.household, d.recorded_by) == (cast.comm_a, a1, cast.comm_a_sec)
    assert list(d.participants.values_list("member_id", flat=True)) == [worker.pk]
    with pytest.raises(ValidationError, match="本社区登记的住户"):
        services.deed_add(
            c, acting_user=cast.comm_a_sec, date=dt.date(2026, 5, 2), title="x", household=b1
        )
    assert Deed.objects.count() == 1
    body = page.get(f"/checkin/{c.pk}/").content.decode()
    assert "修水管" in body and "今年为社区办实事 1 件" in re.sub(r"\s+", " ", body)


# --- pairings --------------------------------------------------------------------------------


def test_a_pairing_picks_a_household_of_the_community(cast, worker, households, client_for):
    a1, _a2, b1 = households
    c = _in(cast, worker)
    page = client_for(cast.comm_a_sec)
    page.post(f"/checkin/{c.pk}/pairings/", {"household": a1.pk, "since": "2026-04-01"})
    p = Pairing.objects.get()
    assert (p.household, p.household_note, p.household_label, str(p)) == (a1, "", "101", "101")
    with pytest.raises(ValidationError, match="本社区登记的住户"):
        services.pairing_add(c, acting_user=cast.comm_a_sec, household=b1, since=TODAY)
    with pytest.raises(ValidationError, match="请选择结对帮扶的住户"):
        services.pairing_add(c, acting_user=cast.comm_a_sec, since=TODAY)
    assert Pairing.objects.count() == 1


def test_a_household_not_on_the_tree_is_named_in_a_note_and_a_pick_wins(cast, worker, households):
    a1, _a2, _b1 = households
    c = _in(cast, worker)
    p = services.pairing_add(
        c, acting_user=cast.comm_a_sec, household_note="河边平房张家", since=dt.date(2026, 4, 1)
    )
    assert (p.household, p.household_label) == (None, "河边平房张家")
    p = services.pairing_add(
        c, acting_user=cast.comm_a_sec, household=a1, household_note="多余", since=TODAY
    )
    assert (p.household, p.household_note) == (a1, "")
    assert _standing(c).households == 2


def test_a_long_household_list_is_searched_first(cast, worker, households, client_for, monkeypatch):
    from dangjian.checkin import views

    monkeypatch.setattr(views, "HOUSEHOLDS_IN_SELECT", 1)
    c = _in(cast, worker)
    page = client_for(cast.comm_a_sec)
    body = page.get(f"/checkin/{c.pk}/").content.decode()
    assert 'id="household-search"' in body and 'id="pairing-household"' not in body
    body = page.get(f"/checkin/{c.pk}/?hh=102").content.decode()
    assert f'value="{households[1].pk}"' in body and f'value="{households[0].pk}"' not in body


# --- post ------------------------------------------------------------------------------------


def test_the_check_in_shows_the_post_the_member_holds_in_the_community(cast, worker, client_for):
    c = _in(cast, worker)
    page = client_for(cast.comm_a_sec)
    body = page.get(f"/checkin/{c.pk}/").content.decode()
    assert "还没有认领岗位" in body and 'id="choose-post"' in body
    post = Post.objects.create(community=cast.comm_a, name="治安巡逻岗")
    elsewhere = Post.objects.create(community=cast.comm_b, name="政策宣传岗")
    PostHolder.objects.create(post=post, member=worker, since=dt.date(2026, 3, 2))
    PostHolder.objects.create(post=elsewhere, member=worker, since=dt.date(2026, 3, 2))
    assert _standing(c).posts == ["治安巡逻岗"]
    body = page.get(f"/checkin/{c.pk}/").content.decode()
    assert "治安巡逻岗" in body and "政策宣传岗" not in body
    (row,) = page.get("/api/v1/checkin/", {"org": cast.comm_a.pk}).json()
    assert row["posts"] == ["治安巡逻岗"] and row["post"] == "治安巡逻岗"


# --- employer --------------------------------------------------------------------------------


def test_the_check_in_reads_the_employer_from_the_member_record(cast, worker, client_for):
    unit = ResidentUnit.objects.create(
        name="县税务局", kind="government", community=cast.comm_b, party_org=cast.branch_b
    )
    c = _in(cast, worker, employer="", unit=unit)
    worker.refresh_from_db()
    assert (worker.employer_unit, worker.work_unit) == (unit, "")
    c = CheckIn.objects.select_related("member__employer_unit__party_org").get(pk=c.pk)
    assert (c.employer, c.employer_party_org) == ("县税务局", "迎宾路第一党支部")
    # a later change on the record is what the check-in shows: there is no second copy
    Member.objects.filter(pk=worker.pk).update(employer_unit=None, work_unit="县财政局")
    body = client_for(cast.comm_a_sec).get(f"/checkin/{c.pk}/").content.decode()
    assert "县财政局" in body and "县税务局" not in body


def test_the_employer_is_asked_only_when_the_record_has_none(cast, worker):
    with pytest.raises(ValidationError, match="请填写工作单位"):
        _in(cast, worker, employer="")
    assert not CheckIn.objects.exists()
    _in(cast, worker, employer="县税务局")
    worker.refresh_from_db()
    assert worker.work_unit == "县税务局"
    other = make_member(org=cast.branch_b, work_unit="县医院")
    services.check_in(
        acting_user=cast.comm_a_sec, member=other, community=cast.comm_a, employer="别的单位"
    )
    other.refresh_from_db()
    assert other.work_unit == "县医院"  # the record wins; the form did not ask


def test_the_members_own_page_asks_for_the_employer_only_when_unknown(cast, client_for):
    page = client_for(cast.member_user)
    body = page.get("/checkin/me/").content.decode()
    assert 'name="employer"' in body and 'name="post"' not in body
    Member.objects.filter(pk=cast.member_a.pk).update(work_unit="县人民医院")
    body = page.get("/checkin/me/").content.decode()
    assert 'name="employer"' not in body and "县人民医院" in body
    r = page.post("/checkin/me/", {"community": cast.comm_a.pk, "employer": "别处"})
    assert r.status_code == 302
    assert Member.objects.get(pk=cast.member_a.pk).work_unit == "县人民医院"
    assert CheckIn.objects.get().community == cast.comm_a


# --- community activity ----------------------------------------------------------------------


def test_a_meeting_of_the_community_is_activity_one_of_the_members_own_group_is_not(cast):
    """A member of community A's branch checked in to community A (their home): the branch's
    group meetings are their branch life, a meeting of the community party committee is not."""
    from dangjian.meetings.models import Attendance, MeetingKind
    from tests.meetings.factories import make_meeting

    member = make_member(org=cast.branch_a, name="周本社区", categories=("in_service",))
    c = services.check_in(
        acting_user=cast.comm_a_sec,
        member=member,
        community=cast.comm_a,
        employer="县电力公司",
        on=dt.date(2026, 3, 1),
    )
    group = make_meeting(org=cast.group_a, kind=MeetingKind.GROUP, date=dt.date(2026, 9, 1))
    Attendance.objects.create(meeting=group, member=member, status="present")
    assert _standing(c).last_active == dt.date(2026, 3, 1)
    general = make_meeting(org=cast.comm_a, date=dt.date(2026, 10, 1))
    Attendance.objects.create(meeting=general, member=member, status="present")
    assert _standing(c).last_active == dt.date(2026, 10, 1)
