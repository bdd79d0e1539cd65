"""Grid areas and their people (issue 16 item 1): residents per area from the households, the
1:500 rules at their boundaries, assigning and ending duties, need-to-know on pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.access import scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.grid import selectors_areas as sel
from dangjian.grid import services_areas as services
from dangjian.grid.access import duty_area_paths
from dangjian.grid.models import AreaDuty, DutyRole
from dangjian.grid.todos import todos
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

from .areas_fixtures import SINCE, areas_fixture, corridor_in, household, make_cadre  # noqa: F401

TODAY = timezone.localdate()


def _liaison(cast, area, name="联络员甲"):
    return services.duty_assign(
        acting_user=cast.comm_a_sec, area=area, role=DutyRole.LIAISON, name=name, since=SINCE
    )


def _fig(user, area):
    [f] = sel.figures(sel.areas_visible(user=user).filter(pk=area.pk), on=TODAY)
    return f


# ---- the rules at their boundaries ------------------------------------------------------------
@pytest.mark.parametrize(
    ("residents", "cadres", "short"),
    [
        (0, 0, True),
        (0, 1, False),
        (500, 1, False),
        (501, 1, True),
        (1000, 2, False),
        (1001, 2, True),
    ],
)
def test_a_cadre_covers_at_most_500_residents(residents, cadres, short):
    out = sel.judge(
        residents=residents, n_cadres=cadres, n_liaisons=9, max_per_cadre=500, per_liaison=500
    )
    assert any(s.kind == "cadre" for s in out) is short


@pytest.mark.parametrize(
    ("residents", "liaisons", "short"),
    [(0, 0, False), (1, 0, True), (500, 1, False), (501, 1, True), (501, 2, False)],
)
def test_one_liaison_per_500_residents(residents, liaisons, short):
    out = sel.judge(
        residents=residents, n_cadres=9, n_liaisons=liaisons, max_per_cadre=500, per_liaison=500
    )
    assert any(s.kind == "liaison" for s in out) is short


def test_a_shortfall_names_the_rule_and_its_source():
    [s] = sel.judge(residents=501, n_cadres=1, n_liaisons=2, max_per_cadre=500, per_liaison=500)
    rule = rules.get("grid.residents_per_cadre")
    assert (s.rule_title, s.source) == (rule.title, rule.source)
    assert s.need == 2 and s.uncovered == 1 and "501" in s.text


@pytest.mark.parametrize(("population", "short"), [(500, False), (501, True)])
def test_residents_are_the_households_below_the_area(cast, areas, population, short):
    household(cast.corridor_a, population - 100)
    household(cast.corridor_a, 100)
    household(areas.corridor_a2, 7)  # another area: not counted
    _liaison(cast, areas.grid_a)
    f = _fig(cast.comm_a_sec, areas.grid_a)
    assert (f.residents, f.households, f.n_cadres, f.n_liaisons) == (population, 2, 1, 1)
    assert f.short is short
    assert [s.kind for s in f.shortfalls] == (["cadre", "liaison"] if short else [])
    assert [d.name for d in f.cadres] == ["grid_cadre_a姓名"]


def test_the_rule_numbers_follow_a_locality_override(cast, areas, settings):
    settings.DANGJIAN_RULES = {
        "orgs": {cast.comm_a.code: {"grid.residents_per_cadre": {"max_residents": 300}}}
    }
    rules.reset_cache()
    try:
        household(cast.corridor_a, 301)
        _liaison(cast, areas.grid_a)
        assert [s.kind for s in _fig(cast.comm_a_sec, areas.grid_a).shortfalls] == ["cadre"]
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_an_ended_duty_no_longer_counts(cast, areas):
    household(cast.corridor_a, 10)
    d = _liaison(cast, areas.grid_a)
    services.duty_end(d, acting_user=cast.comm_a_sec, until=TODAY - dt.timedelta(days=1), version=1)
    assert _fig(cast.comm_a_sec, areas.grid_a).n_liaisons == 0


def test_the_rollup_per_community_counts_areas_short_and_residents_uncovered(cast, areas):
    household(cast.corridor_a, 700)  # 1 cadre: 200 uncovered, liaisons 0 of 2
    household(areas.corridor_a2, 400)  # 1 cadre, 1 liaison: fine
    _liaison(cast, areas.grid_a2)
    rows = sel.community_figures(user=cast.street_sec, org=cast.street_a, on=TODAY)
    by_name = {r.community.name: r for r in rows}
    a = by_name["文化东路社区党委"]
    assert (a.areas, a.residents, a.areas_short, a.uncovered, a.liaisons_missing) == (
        2,
        1100,
        1,
        200,
        2,
    )
    assert {s.rule_id for s in a.shortfalls} == {"grid.residents_per_cadre", "grid.liaisons"}
    assert by_name["团结路社区党总支"].areas == 0
    t = sel.totals(rows)
    assert (t.communities, t.areas_short, t.uncovered) == (2, 1, 200)
    # the county sees community B too; community A's secretary sees only A
    county = sel.community_figures(user=cast.admin, org=cast.county, on=TODAY)
    assert len(county) == 3
    assert sel.community_figures(user=cast.comm_a_sec, org=cast.county, on=TODAY)[0].areas == 2


# ---- services ---------------------------------------------------------------------------------
def test_a_cadre_needs_an_account(cast, areas):
    with pytest.raises(ValidationError) as e:
        services.duty_assign(
            acting_user=cast.comm_a_sec,
            area=areas.grid_a,
            role=DutyRole.CADRE,
            name="无账号",
            since=SINCE,
        )
    assert "登录账号" in str(e.value)
    with pytest.raises(ValidationError, match="没有这个登录账号"):
        services.duty_assign(
            acting_user=cast.comm_a_sec,
            area=areas.grid_a,
            role=DutyRole.CADRE,
            username="nobody-here",
            since=SINCE,
        )


def test_a_cadre_is_found_by_username_and_named_after_the_account(cast, areas):
    d = services.duty_assign(
        acting_user=cast.comm_a_sec,
        area=areas.grid_a,
        role=DutyRole.CADRE,
        username="member_a",
        since=SINCE,
    )
    assert d.user == cast.member_user and d.name == "member_a"
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, object_id=str(d.pk), field="", object_repr=str(d)
    ).get()
    assert entry.actor == cast.comm_a_sec and entry.scope_path == cast.comm_a.path


def test_a_liaison_may_be_just_a_name_or_a_member_of_the_community(cast, areas):
    d = _liaison(cast, areas.grid_a, "王联络")
    assert d.user is None and d.member is None
    m = make_member(org=cast.branch_a, name="李党员")
    d2 = services.duty_assign(
        acting_user=cast.comm_a_sec,
        area=areas.grid_a,
        role=DutyRole.LIAISON,
        member=m.pk,
        since=SINCE,
    )
    assert d2.name == "李党员"
    with pytest.raises(ValidationError, match="本社区的党员"):
        services.duty_assign(
            acting_user=cast.comm_a_sec,
            area=areas.grid_a,
            role=DutyRole.LIAISON,
            member=cast.member_b.pk,
            since=SINCE,
        )


def test_an_end_before_the_start_is_refused_and_nothing_changes(cast, areas):
    before = AreaDuty.objects.count()
    with pytest.raises(ValidationError, match="不能早于起始日期"):
        services.duty_assign(
            acting_user=cast.comm_a_sec,
            area=areas.grid_a,
            role=DutyRole.LIAISON,
            name="甲",
            since=SINCE,
            until=SINCE - dt.timedelta(days=1),
        )
    d = _liaison(cast, areas.grid_a)
    with pytest.raises(ValidationError, match="不能早于起始日期"):
        services.duty_end(
            d, acting_user=cast.comm_a_sec, until=SINCE - dt.timedelta(days=1), version=1
        )
    d.refresh_from_db()
    assert d.until is None and d.version == 1 and AreaDuty.objects.count() == before + 1


def test_only_a_grid_of_a_community_the_actor_changes_is_accepted(cast, areas):
    for actor, area in [
        (cast.comm_b_sec, areas.grid_a),  # another community
        (cast.branch_sec, areas.grid_a),  # a branch secretary: no say in the grid
        (areas.cadre_a, areas.grid_a),  # the area's own cadre reads, never assigns
        (cast.comm_a_sec, cast.building_a),  # not a grid
        (cast.comm_a_sec, 987654321),  # missing
    ]:
        with pytest.raises(ValidationError, match="网格/片区"):
            services.duty_assign(
                acting_user=actor, area=area, role=DutyRole.LIAISON, name="甲", since=SINCE
            )


def test_the_same_cadre_twice_on_an_area_is_refused(cast, areas):
    with pytest.raises(ValidationError, match="已是本片区的包片干部"):
        services.duty_assign(
            acting_user=cast.comm_a_sec,
            area=areas.grid_a,
            role=DutyRole.CADRE,
            user=areas.cadre_a,
            since=TODAY,
        )
    _liaison(cast, areas.grid_a, "王联络")
    with pytest.raises(ValidationError, match="已是本片区的社情联络员"):
        _liaison(cast, areas.grid_a, "王联络")
    # after the first duty ended, the same cadre may start again
    d = AreaDuty.objects.get(user=areas.cadre_a)
    services.duty_end(d, acting_user=cast.comm_a_sec, until=SINCE, version=d.version)
    services.duty_assign(
        acting_user=cast.comm_a_sec,
        area=areas.grid_a,
        role=DutyRole.CADRE,
        user=areas.cadre_a,
        since=SINCE + dt.timedelta(days=1),
    )


def test_ending_uses_the_version_and_is_audited(cast, areas):
    d = _liaison(cast, areas.grid_a)
    services.duty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=1)
    d.refresh_from_db()
    assert d.until == TODAY and d.version == 2
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE, object_repr=str(d), actor=cast.comm_a_sec
    ).exists()
    with pytest.raises(ValidationError, match="已于"):
        services.duty_end(d, acting_user=cast.comm_a_sec, until=TODAY, version=2)
    other = _liaison(cast, areas.grid_a, "乙")
    with pytest.raises(ConflictError):
        services.duty_end(other, acting_user=cast.comm_a_sec, until=TODAY, version=7)
    with pytest.raises(ValidationError, match="无权"):
        services.duty_end(other, acting_user=cast.comm_b_sec, until=TODAY, version=1)


# ---- pages ------------------------------------------------------------------------------------
def test_the_secretary_sees_the_areas_with_shortfalls_and_the_rule(cast, areas, client_for):
    household(cast.corridor_a, 501)
    r = client_for(cast.comm_a_sec).get(f"/grid/?org={cast.comm_a.pk}")
    text = r.content.decode()
    assert r.status_code == 200
    assert "第一网格" in text and "第二网格" in text and "grid_cadre_a姓名" in text
    assert "干部不足" in text and rules.get("grid.residents_per_cadre").source in text
    assert "乙社区网格" not in text


def test_the_street_sees_one_row_per_community(cast, areas, client_for):
    household(cast.corridor_a, 501)
    r = client_for(cast.street_sec).get(f"/grid/?org={cast.street_a.pk}")
    text = r.content.decode()
    assert r.status_code == 200 and 'id="communities"' in text
    assert "文化东路社区党委" in text and "团结路社区党总支" in text and "迎宾路" not in text
    assert "1 个片区不达标" in text
    # without ?org= the street secretary lands on the street
    assert 'id="communities"' in client_for(cast.street_sec).get("/grid/").content.decode()


def test_a_cadre_sees_their_own_area_only(cast, areas, client_for):
    c = client_for(areas.cadre_a)
    r = c.get("/grid/")
    text = r.content.decode()
    assert r.status_code == 200 and "第一网格" in text and "第二网格" not in text
    r = c.get(f"/grid/areas/{areas.grid_a.pk}/")
    assert r.status_code == 200 and 'id="duty-form"' not in r.content.decode()
    assert c.get(f"/grid/areas/{areas.grid_a2.pk}/").status_code == 404
    assert c.get(f"/grid/areas/{areas.grid_b.pk}/").status_code == 404
    assert c.get(f"/grid/?org={cast.comm_a.pk}").status_code == 404
    # read only: adding or ending people on their own area is a 404 too
    r = c.post(
        f"/grid/areas/{areas.grid_a.pk}/duties/new/",
        {"role": "liaison", "name": "甲", "since": "2026-01-01"},
    )
    assert r.status_code == 404
    d = AreaDuty.objects.get(user=areas.cadre_a)
    assert c.get(f"/grid/duties/{d.pk}/end/").status_code == 404


@pytest.mark.parametrize("who", ["comm_b_sec", "branch_sec", "outsider", "member_user"])
def test_others_get_404(cast, areas, client_for, who):
    c = client_for(getattr(cast, who))
    assert c.get(f"/grid/areas/{areas.grid_a.pk}/").status_code == 404
    assert c.get(f"/grid/?org={cast.comm_a.pk}").status_code == 404
    assert c.get(f"/api/v1/grid/areas/{areas.grid_a.pk}").status_code == 404
    assert "第一网格" not in c.get("/api/v1/grid/areas/").content.decode()
    if who != "comm_b_sec":
        assert c.get("/grid/").status_code == 404


def test_the_secretary_adds_and_ends_a_duty_on_the_page(cast, areas, client_for):
    c = client_for(cast.comm_a_sec)
    url = f"/grid/areas/{areas.grid_a.pk}/"
    r = c.post(url + "duties/new/", {"role": "cadre", "name": "新干部", "since": "2026-01-01"})
    assert r.status_code == 400 and "登录账号" in r.content.decode()
    r = c.post(
        url + "duties/new/",
        {"role": "liaison", "name": "新联络员", "since": "2026-01-01", "until": "2025-01-01"},
    )
    assert r.status_code == 400 and "不能早于起始日期" in r.content.decode()
    r = c.post(url + "duties/new/", {"role": "liaison", "name": "新联络员", "since": "2026-01-01"})
    assert r.status_code == 302
    d = AreaDuty.objects.get(name="新联络员")
    page = c.get(f"/grid/duties/{d.pk}/end/")
    assert page.status_code == 200 and "确定结束" in page.content.decode()
    r = c.post(f"/grid/duties/{d.pk}/end/", {"version": "1", "until": TODAY.isoformat()})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.until == TODAY


@pytest.mark.parametrize("n", [1, 8])
def test_the_pages_cost_the_same_for_1_and_8_areas(
    cast, areas, client_for, django_assert_max_num_queries, n
):
    for i in range(n):
        g = make_place(
            parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name=f"加测网格{i}"
        )
        household(corridor_in(g), 600)
        make_cadre(cast, g, f"extra_cadre_{i}")
        _liaison(cast, g, f"联络{i}")
    c = client_for(cast.comm_a_sec)
    s = client_for(cast.street_sec)
    c.get(f"/grid/?org={cast.comm_a.pk}")
    s.get(f"/grid/?org={cast.street_a.pk}")
    with django_assert_max_num_queries(12):
        r = c.get(f"/grid/?org={cast.comm_a.pk}")
    assert r.content.decode().count("加测网格") == n
    with django_assert_max_num_queries(12):
        assert s.get(f"/grid/?org={cast.street_a.pk}").status_code == 200
    with django_assert_max_num_queries(12):
        body = c.get(f"/api/v1/grid/areas/?org={cast.comm_a.pk}").json()
    assert body["count"] == n + 2


# ---- API --------------------------------------------------------------------------------------
def test_the_api_lists_areas_with_figures_scoped(cast, areas, client_for):
    household(cast.corridor_a, 501)
    body = client_for(cast.comm_a_sec).get(f"/api/v1/grid/areas/?org={cast.comm_a.pk}").json()
    by_name = {a["name"]: a for a in body["items"]}
    a = by_name["第一网格"]
    assert a["residents"] == 501 and a["cadres_needed"] == 2 and a["liaisons_needed"] == 2
    assert {s["rule_id"] for s in a["shortfalls"]} == {"grid.residents_per_cadre", "grid.liaisons"}
    assert [p["name"] for p in a["cadres"]] == ["grid_cadre_a姓名"]
    short = client_for(cast.comm_a_sec).get("/api/v1/grid/areas/?short=true").json()
    assert [a["name"] for a in short["items"]] == ["第一网格"]  # 第二网格: nobody lives there yet
    c = client_for(areas.cadre_a)
    assert [a["name"] for a in c.get("/api/v1/grid/areas/").json()["items"]] == ["第一网格"]
    assert c.get(f"/api/v1/grid/areas/{areas.grid_a.pk}").status_code == 200
    assert c.get(f"/api/v1/grid/areas/{areas.grid_a2.pk}").status_code == 404
    assert c.get(f"/api/v1/grid/areas/?org={cast.comm_a.pk}").status_code == 404


# ---- 待办 --------------------------------------------------------------------------------------
def test_the_todo_counts_areas_short_in_two_queries(cast, areas, django_assert_max_num_queries):
    household(cast.corridor_a, 501)
    # the user's grants and duties are read once per request (the home page already did)
    scope_for(cast.comm_a_sec), duty_area_paths(cast.comm_a_sec)
    with django_assert_max_num_queries(2):
        [t] = todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    # 第一网格: 501 residents, 1 cadre and no liaison; 第二网格: no residents, a cadre — fine
    assert t.count == 1 and f"org={cast.comm_a.pk}" in t.url
    assert todos(user=cast.comm_b_sec, org=cast.comm_a, today=TODAY) == []
    assert todos(user=areas.cadre_a, org=cast.comm_a, today=TODAY) == []
    assert todos(user=cast.branch_sec, org=cast.branch_a, today=TODAY) == []


def test_a_cadre_without_a_grant_lands_on_their_areas_from_the_home_page(cast, client_for):
    from django.contrib.auth import get_user_model

    from dangjian.orgs.models import Place

    cadre = get_user_model().objects.create_user("home_cadre", password=cast.password)
    grid = Place.objects.filter(community=cast.comm_a, kind=PlaceKind.GRID).first()
    AreaDuty.objects.create(area=grid, role=DutyRole.CADRE, user=cadre, name="包片甲", since=TODAY)
    r = client_for(cadre).get("/")
    assert r.status_code == 302 and r["Location"] == "/grid/"
