"""Volunteer service: teams, a service — a deed of the team with each participant's hours (all or
nothing), yearly totals per member (all their deeds) and team, rankings only where the community
opted in, the ledger, access."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from dangjian.core import rules
from dangjian.deeds.models import Deed, Participant
from dangjian.deeds.services import deed_record
from dangjian.volunteering import selectors, services
from tests.factories import make_member


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


@pytest.fixture
def team(cast):
    return services.team_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="甲社区党员义工队", kind="yigong"
    )


def _serve(cast, team, hours, day=dt.date(2026, 5, 1), title="清理楼道"):
    return services.service_record(
        acting_user=cast.comm_a_sec, team=team, date=day, title=title, hours=hours
    )


def test_hours_add_up_per_member_and_team_within_the_year(cast, team):
    other = make_member(org=cast.branch_a_2, name="周七")
    _serve(cast, team, {cast.member_a.pk: "2", other.pk: 1.5})
    _serve(cast, team, {cast.member_a.pk: "3"}, day=dt.date(2026, 12, 31) - dt.timedelta(days=40))
    _serve(cast, team, {cast.member_a.pk: "8"}, day=dt.date(2025, 12, 31))  # last year
    rows = selectors.member_hours(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    assert [(r["member__name"], r["hours"], r["services"]) for r in rows] == [
        ("周七", Decimal("1.5"), 1),
        ("张三", Decimal("5.0"), 2),
    ]  # by name: no ranking unless the community opted in
    [t] = selectors.teams_with_totals(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    assert (t.n_services, t.total_hours, t.n_members) == (2, Decimal("6.5"), 2)


def test_a_community_that_opted_in_sees_members_ranked_by_hours(cast, team, settings):
    other = make_member(org=cast.branch_a_2, name="周七")
    _serve(cast, team, {cast.member_a.pk: "2", other.pk: "4"})
    assert not selectors.rankings_enabled(cast.comm_a, "members")
    settings.DANGJIAN_RULES = {
        "orgs": {cast.comm_a.code: {"volunteer.rankings": {"members": True}}}
    }
    rules.reset_cache()
    try:
        rows = selectors.member_hours(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
        assert [r["member__name"] for r in rows] == ["周七", "张三"]
        assert not selectors.rankings_enabled(cast.comm_b, "members")
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


@pytest.mark.parametrize("hours", ["0", "-1", "25", "两小时", ""])
def test_bad_hours_record_nothing(cast, team, hours):
    with pytest.raises(ValidationError, match="0.5 到 24"):
        _serve(cast, team, {cast.member_a.pk: hours})
    assert not Deed.objects.exists() and not Participant.objects.exists()


def test_only_the_communitys_members_can_be_recorded(cast, team):
    with pytest.raises(ValidationError, match="在册党员"):
        _serve(cast, team, {cast.member_a.pk: "2", cast.member_b.pk: "2"})
    assert not Deed.objects.exists()


def test_another_community_cannot_record_or_create(cast, team):
    with pytest.raises(PermissionDenied):
        services.service_record(
            acting_user=cast.comm_b_sec,
            team=team,
            date=dt.date(2026, 5, 1),
            title="x",
            hours={cast.member_a.pk: "1"},
        )
    with pytest.raises(PermissionDenied):
        services.team_create(
            acting_user=cast.branch_sec, community=cast.comm_a, name="x", kind="team"
        )


def test_a_secretary_records_a_service_by_ticking_who_came(cast, client_for, team):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/volunteering/teams/{team.pk}/",
        {"date": "2026-06-01", "title": "义诊", "hours": "2.5", "member": [cast.member_a.pk]},
        follow=True,
    )
    assert "已登记志愿服务" in _text(r) and "张三（2.5）" in _text(r)
    r = c.post(f"/volunteering/teams/{team.pk}/", {"date": "2026-06-02", "title": "", "hours": "2"})
    body = _text(r)
    assert "请写明做了什么" in body and 'value="2026-06-02"' in body
    deed = Deed.objects.get()
    assert (deed.team, deed.community, deed.title) == (team, cast.comm_a, "义诊")
    assert [(p.member, p.hours) for p in deed.participants.all()] == [
        (cast.member_a, Decimal("2.5"))
    ]


def test_the_ledger_reads_back_and_honours_access(cast, client_for, team):
    _serve(cast, team, {cast.member_a.pk: "2"})
    r = client_for(cast.comm_a_sec).get(f"/volunteering/export/?org={cast.comm_a.pk}&year=2026")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert [c.value for c in ws[3]] == ["张三", "文化东路第一楼栋党支部", 1, 2]
    assert (
        client_for(cast.comm_b_sec).get(f"/volunteering/export/?org={cast.comm_a.pk}").status_code
        == 404
    )
    assert "张三" not in _text(client_for(cast.comm_b_sec).get("/volunteering/"))


def test_a_member_sees_their_communitys_teams(cast, client_for, team):
    body = _text(client_for(cast.member_user).get("/volunteering/"))
    assert "甲社区党员义工队" in body


def test_the_home_page_query_count_does_not_grow(cast, client_for, team, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(cast.comm_a_sec)
    url = f"/volunteering/?org={cast.comm_a.pk}&year=2026"
    _serve(cast, team, {cast.member_a.pk: "1"})
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for i in range(10):
        team2 = services.team_create(
            acting_user=cast.comm_a_sec, community=cast.comm_a, name=f"队{i}", kind="team"
        )
        _serve(cast, team2, {make_member(org=cast.branch_a).pk: "1"})
    with django_assert_num_queries(len(few.captured_queries)):
        c.get(url)


def test_a_members_hours_are_those_of_all_their_deeds_not_only_a_teams(cast, client_for, team):
    _serve(cast, team, {cast.member_a.pk: "2"})
    # a deed of the same member without a team (e.g. one recorded for a commitment)
    deed_record(
        acting_user=cast.member_user,
        community=cast.comm_a,
        date=dt.date(2026, 7, 1),
        title="为独居老人代买药品",
        members={cast.member_a.pk: "1.5"},
    )
    rows = selectors.member_hours(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    assert [(r["member__name"], r["hours"], r["services"]) for r in rows] == [
        ("张三", Decimal("3.5"), 2)
    ]
    [t] = selectors.teams_with_totals(user=cast.comm_a_sec, community=cast.comm_a, year=2026)
    assert (t.n_services, t.total_hours) == (1, Decimal("2.0"))  # the team's own services only
    body = _text(client_for(cast.member_user).get("/volunteering/"))
    assert "不只是服务队的服务" in body and "3.5" in body


def test_the_api_records_a_service_as_a_deed_of_the_team(cast, client_for, team):
    import json

    r = client_for(cast.comm_a_sec).post(
        f"/api/v1/volunteering/teams/{team.pk}/services",
        json.dumps({"date": "2026-05-01", "title": "义诊", "hours": {cast.member_a.pk: "2"}}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    deed = Deed.objects.get(pk=r.json()["id"])
    assert deed.team == team and deed.participants.get().hours == Decimal("2.0")
    r = client_for(cast.comm_a_sec).get(
        f"/api/v1/volunteering/hours?org={cast.comm_a.pk}&year=2026"
    )
    assert [(x["name"], Decimal(x["hours"])) for x in r.json()] == [("张三", Decimal(2))]
