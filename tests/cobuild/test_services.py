"""共驻共建 writes and the counts derived from them: activities (deeds and volunteer services at
the year's boundaries), bookings that cannot overlap, agreements and pledges, the stars decided
with a reason when they differ from the proposal, and who may write."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.cobuild import selectors, services
from dangjian.cobuild.models import Activity, Booking, StarRating

from .factories import activity, unit

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=TZ)


def test_deeds_and_services_count_in_their_own_year_only(cast):
    school = unit(cast)
    activity(cast, [school], day=dt.date(2025, 12, 31), is_deed=True)
    activity(cast, [school], day=dt.date(2026, 1, 1), is_deed=True)
    activity(
        cast, [school], day=dt.date(2026, 12, 31) - dt.timedelta(days=40), is_volunteer_service=True
    )
    activity(cast, [school], day=dt.date(2026, 3, 1), kind="culture")
    y = selectors.year_counts([school], 2026)[school.pk]
    assert (y.deeds, y.volunteer_services, y.activities) == (1, 1, 1)
    assert selectors.year_counts([school], 2025)[school.pk].deeds == 1


def test_the_standings_show_who_is_behind_first(cast):
    done = unit(cast, "甲社区医院")
    unit(cast, "甲社区税务所")
    activity(cast, [done], is_deed=True)
    activity(cast, [done], is_volunteer_service=True)
    activity(cast, [done], is_volunteer_service=True, day=dt.date(2026, 6, 1))
    rows = selectors.standings(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    assert [r.unit.name for r in rows] == ["甲社区税务所", "甲社区医院"]
    assert rows[0].behind == ["实事差 1 件", "志愿服务差 2 次"] and rows[1].behind == []


def test_an_activity_names_units_of_the_community_and_is_not_in_the_future(cast):
    from tests.meetings.factories import make_unit

    elsewhere = make_unit(community=cast.comm_b, name="乙社区银行")
    with pytest.raises(ValidationError, match="本社区登记的驻区单位"):
        activity(cast, [elsewhere])
    with pytest.raises(ValidationError, match="不能晚于今天"):
        activity(cast, [unit(cast)], day=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError, match="哪个驻区单位"):
        activity(cast, [], is_deed=True)
    assert not Activity.objects.exists()


def test_another_community_cannot_record_for_this_one(cast):
    with pytest.raises(PermissionDenied):
        services.activity_record(
            acting_user=cast.comm_b_sec,
            community=cast.comm_a,
            kind="service",
            date=dt.date(2026, 5, 1),
            title="x",
        )


def test_bookings_cannot_overlap_but_may_touch(cast):
    school = unit(cast)
    hall = services.resource_create(
        acting_user=cast.comm_a_sec, unit=school, kind="venue", name="礼堂"
    )
    services.booking_create(
        acting_user=cast.comm_a_sec,
        resource=hall,
        starts_at=at(1, 9),
        ends_at=at(1, 11),
        purpose="党课",
    )
    services.booking_create(
        acting_user=cast.comm_a_sec,
        resource=hall,
        starts_at=at(1, 11),
        ends_at=at(1, 12),
        purpose="讲座",
    )
    for start, end in ((at(1, 10), at(1, 12)), (at(1, 8), at(1, 9, 1)), (at(1, 9), at(1, 11))):
        with pytest.raises(ValidationError, match="与已有预约冲突"):
            services.booking_create(
                acting_user=cast.comm_a_sec,
                resource=hall,
                starts_at=start,
                ends_at=end,
                purpose="x",
            )
    with pytest.raises(ValidationError, match="结束时间须晚于"):
        services.booking_create(
            acting_user=cast.comm_a_sec,
            resource=hall,
            starts_at=at(2, 9),
            ends_at=at(2, 9),
            purpose="x",
        )
    assert Booking.objects.count() == 2


def test_a_cancelled_booking_frees_its_time(cast):
    hall = services.resource_create(
        acting_user=cast.comm_a_sec, unit=unit(cast), kind="venue", name="礼堂"
    )
    b = services.booking_create(
        acting_user=cast.comm_a_sec,
        resource=hall,
        starts_at=at(1, 9),
        ends_at=at(1, 11),
        purpose="党课",
    )
    Booking.objects.filter(pk=b.pk).update(cancelled=True)
    services.booking_create(
        acting_user=cast.comm_a_sec,
        resource=hall,
        starts_at=at(1, 9),
        ends_at=at(1, 11),
        purpose="讲座",
    )


def test_kept_pledges_count_toward_the_stars(cast):
    school = unit(cast)
    a = services.agreement_create(
        acting_user=cast.comm_a_sec,
        unit=school,
        title="共建协议",
        signed_on=dt.date(2026, 1, 5),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        unit_pledges=["开放操场", "每学期一次讲座"],
        community_pledges=["协助维护周边治安"],
    )
    for p in a.pledges.filter(side="unit"):
        services.pledge_check(p, acting_user=cast.comm_a_sec, kept=True, on=dt.date(2026, 11, 1))
    y = selectors.year_counts([school], 2026)[school.pk]
    assert (y.pledges, y.pledges_kept) == (2, 2)
    with pytest.raises(ValidationError, match="驻区单位承诺的事项"):
        services.agreement_create(
            acting_user=cast.comm_a_sec,
            unit=school,
            title="x",
            signed_on=dt.date(2026, 1, 5),
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )


def test_stars_confirm_the_proposal_or_change_it_with_a_reason(cast):
    school = unit(cast)
    proposal = selectors.proposal_for(unit=school, year=2026)
    assert proposal.stars == 1
    r = services.stars_decide(acting_user=cast.comm_a_sec, unit=school, year=2026, stars=1)
    assert (r.proposed, r.stars, r.override_reason) == (1, 1, "")
    with pytest.raises(ValidationError, match="请写明调整理由"):
        services.stars_decide(acting_user=cast.comm_a_sec, unit=school, year=2026, stars=3)
    r = services.stars_decide(
        acting_user=cast.comm_a_sec, unit=school, year=2026, stars=3, reason="抗洪救灾中出力很大"
    )
    assert (StarRating.objects.get().stars, r.override_reason) == (3, "抗洪救灾中出力很大")
    with pytest.raises(ValidationError, match="1 到 5 星"):
        services.stars_decide(
            acting_user=cast.comm_a_sec, unit=school, year=2026, stars=6, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.stars_decide(acting_user=cast.comm_b_sec, unit=school, year=2026, stars=1)


def test_a_unit_in_two_communities_is_seen_and_used_by_both(cast):
    from dangjian.orgs.models import ResidentUnit

    hospital = unit(cast, "两社区之间的医院")
    hospital.also_in.add(cast.comm_a2)
    from dangjian.accounts.models import Grant
    from dangjian.core.access import forget_scope

    Grant.objects.create(user=cast.outsider, org=cast.comm_a2, role=Grant.Role.SECRETARY)
    forget_scope(cast.outsider)
    assert ResidentUnit.objects.visible_to(cast.outsider).get() == hospital
    assert not ResidentUnit.objects.visible_to(cast.comm_b_sec).exists()
    a = services.activity_record(
        acting_user=cast.outsider,
        community=cast.comm_a2,
        units=[hospital],
        kind="service",
        date=dt.date(2026, 5, 1),
        title="团结路义诊",
        today=dt.date(2026, 11, 24),
    )
    assert list(a.deed.units.all()) == [hospital]
    assert selectors.year_counts([hospital], 2026)[hospital.pk].activities == 1


def test_the_proposals_of_many_units_at_once_are_those_of_each_alone(cast):
    from dangjian.cobuild.selectors import proposal_for, proposals_for

    busy, idle = unit(cast, "甲社区医院"), unit(cast, "甲社区供电所")
    activity(cast, [busy], is_deed=True)
    activity(cast, [busy, idle], kind="culture")
    together = proposals_for(units=[busy, idle], year=2026)
    for u in (busy, idle):
        alone = proposal_for(unit=u, year=2026)
        assert (together[u.pk].stars, together[u.pk].reasons) == (alone.stars, alone.reasons)
