"""Issue 14, end to end: one afternoon of service entered once — on the deeds page, by the
community's secretary — appears in every view that counts it: the in-service member's check-in
year, the commitment's evidence (picked, not retyped), the post holder's duty log (picked), the
volunteer hours of member and team, the resident unit's year and its star proposal. Nothing of it
is typed a second time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.checkin import selectors as checkin_selectors
from dangjian.checkin import services as checkin_services
from dangjian.cobuild import selectors as cobuild_selectors
from dangjian.commitments import services_posts
from dangjian.commitments.models import State
from dangjian.deeds.models import Deed
from dangjian.volunteering import selectors as vol_selectors
from dangjian.volunteering import services as vol_services
from tests.cobuild.factories import unit as make_unit
from tests.commitments.factories import draft, put_in

DAY = dt.date(2026, 5, 9)


@pytest.fixture
def world(cast):
    team = vol_services.team_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="党员义工队", kind="yigong"
    )
    school = make_unit(cast)
    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="便民服务岗"
    )
    holding = services_posts.post_take(
        post, member=cast.member_a, acting_user=cast.comm_a_sec, since=dt.date(2026, 1, 1)
    )
    commitment = put_in(draft(cast), State.PUBLISHED)
    checkin = checkin_services.check_in(
        acting_user=cast.comm_a_sec,
        member=cast.member_b,
        community=cast.comm_a,
        employer="迎宾路小学",
        on=dt.date(2026, 1, 10),
    )
    return team, school, holding, commitment, checkin


def test_one_deed_entered_once_is_counted_by_every_view(cast, client_for, world):
    team, school, holding, commitment, checkin = world
    sec = client_for(cast.comm_a_sec)
    r = sec.post(
        f"/deeds/new/?org={cast.comm_a.pk}",
        {
            "date": DAY.isoformat(),
            "title": "为1号楼独居老人清理楼道、代买药品",
            "members": [cast.member_a.pk, cast.member_b.pk],
            "hours": "3",
            "units": [school.pk],
            "team": team.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    deed = Deed.objects.get()

    # the commitment and the post: a pick of the deed already there, by the member themself
    me = client_for(cast.member_user)
    assert me.post(
        f"/commitments/{commitment.pk}/evidence/pick/", {"deed": [deed.pk]}
    ).status_code in (200, 302)
    assert me.post(f"/commitments/holders/{holding.pk}/pick/", {"deed": [deed.pk]}).status_code in (
        200,
        302,
    ), "holder pick"
    assert Deed.objects.count() == 1  # nothing typed twice
    assert list(commitment.deeds.all()) == [deed] and list(holding.deeds.all()) == [deed]
    assert deed.title in me.get(f"/commitments/{commitment.pk}/").content.decode()

    # the in-service member's check-in year
    (standing,) = checkin_selectors.standings([checkin], year=2026, today=dt.date(2026, 6, 1))
    assert standing.deeds == 1
    assert deed.title in sec.get(f"/checkin/{checkin.pk}/").content.decode()

    # volunteer hours per member and per team
    hours = {
        r["member__name"]: r["hours"]
        for r in vol_selectors.member_hours(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    }
    assert hours["张三"] == Decimal("3.0")
    (t,) = vol_selectors.teams_with_totals(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    assert (t.n_services, t.total_hours) == (1, Decimal("6.0"))

    # the resident unit's year and the star proposal's reasons
    year = cobuild_selectors.year_counts([school], 2026)[school.pk]
    assert year.deeds == 1
    assert deed.title in sec.get(f"/cobuild/units/{school.pk}/").content.decode()
    proposal = cobuild_selectors.proposals_for(units=[school], year=2026)[school.pk]
    assert any("实事" in r.text and r.met for r in proposal.reasons)


def test_a_checked_in_member_takes_a_post_of_the_community_and_it_sees_the_holding(cast, world):
    _team, _school, _holding, _commitment, checkin = world
    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="治安巡逻岗"
    )
    h = services_posts.post_take(post, member=cast.member_b, acting_user=cast.comm_a_sec)
    assert h.member == cast.member_b
    from dangjian.commitments.models_posts import PostHolder

    assert PostHolder.objects.visible_to(cast.comm_a_sec).filter(pk=h.pk).exists()
    assert PostHolder.objects.visible_to(cast.comm_b_sec).filter(pk=h.pk).exists()  # own branch
    assert not PostHolder.objects.visible_to(cast.outsider).filter(pk=h.pk).exists()


def test_a_member_neither_of_the_community_nor_checked_in_cannot_take_its_post(cast):
    from django.core.exceptions import ValidationError

    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="治安巡逻岗"
    )
    with pytest.raises(ValidationError):
        services_posts.post_take(post, member=cast.member_b, acting_user=cast.comm_b_sec)
