"""Pages, export and API of grid visits: need-to-know (a cadre of area A gets a 404 for area B),
read-audit rows, what the list may show, query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.grid import services
from dangjian.grid.models import KeyHousehold, Visit
from dangjian.servicedesk.models import Request
from tests.exports_helpers import queries, rows

from .visits_fixtures import add_visits, vw_fixture  # noqa: F401 - fixture

SECRET = "家中老人独居，儿子在外地打工"


def _visit(user, household, **kw):
    kw.setdefault("visited_on", timezone.localdate())
    kw.setdefault("found", SECRET)
    return services.visit_record(acting_user=user, household=household, **kw)


def _reads(obj) -> int:
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.READ,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
    ).count()


def test_a_cadre_records_a_visit_and_opens_a_request_in_one_step(cast, vw, client_for):
    c = client_for(vw.cadre_a)
    r = c.get("/grid/visits/new/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "甲片住户一" in html and "乙片住户" not in html
    r = c.post(
        f"/grid/visits/new/?org={cast.comm_a.pk}",
        {
            "household": vw.home_a.pk,
            "visited_on": timezone.localdate().isoformat(),
            "met": "王奶奶",
            "follow_up": "楼道灯坏了",
            "open_request": "on",
            "category": "repair",
        },
    )
    v = Visit.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/grid/visits/{v.pk}/"
    req = Request.objects.get()
    assert v.request == req and req.visit == v and req.household == vw.home_a
    page = c.get(f"/grid/visits/{v.pk}/").content.decode()
    assert req.number in page


def test_a_visit_dated_tomorrow_is_refused_on_the_form_and_nothing_is_saved(cast, vw, client_for):
    c = client_for(vw.cadre_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    r = c.post(
        "/grid/visits/new/",
        {
            "household": vw.home_a.pk,
            "visited_on": tomorrow.isoformat(),
            "found": "x",
            "open_request": "on",
            "follow_up": "y",
        },
    )
    assert r.status_code == 200
    assert "走访日期不能晚于今天" in r.content.decode()
    assert not Visit.objects.exists() and not Request.objects.exists()


def test_a_bad_category_rolls_back_the_visit_too(cast, vw, client_for):
    c = client_for(vw.cadre_a)
    r = c.post(
        "/api/v1/grid/visits/",
        json.dumps(
            {
                "household_id": vw.home_a.pk,
                "visited_on": timezone.localdate().isoformat(),
                "follow_up": "修灯",
                "open_request": True,
                "category": "nonsense",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert not Visit.objects.exists() and not Request.objects.exists()


def test_the_picker_offers_only_the_cadres_households_and_finds_by_name(cast, vw, client_for):
    c = client_for(vw.secretary)
    html = c.get(f"/grid/visits/pick/?org={cast.comm_a.pk}&q=乙片").content.decode()
    assert "乙片住户" in html and "甲片住户一" not in html
    html = c.get(f"/grid/visits/pick/?org={cast.comm_a.pk}&area={vw.grid_a.pk}").content.decode()
    assert "甲片住户一" in html and "乙片住户" not in html
    c = client_for(vw.cadre_a)
    assert c.get(f"/grid/visits/pick/?org={cast.comm_a.pk}&area={vw.grid_a2.pk}").status_code == 404


def test_the_list_shows_who_and_when_but_not_what_was_found(cast, vw, client_for):
    v = _visit(vw.cadre_a, vw.home_a, met="王奶奶", follow_up="联系养老服务站")
    c = client_for(vw.secretary)
    html = c.get(f"/grid/visits/?org={cast.comm_a.pk}").content.decode()
    assert "甲片住户一" in html and "网格员甲" in html
    for private in (SECRET, "王奶奶", "联系养老服务站"):
        assert private not in html
    api = json.dumps(c.get(f"/api/v1/grid/visits/?org={cast.comm_a.pk}").json(), ensure_ascii=False)
    assert "甲片住户一" in api and SECRET not in api and "王奶奶" not in api
    assert _reads(v) == 0
    detail = c.get(f"/grid/visits/{v.pk}/").content.decode()
    assert SECRET in detail and "王奶奶" in detail


def test_opening_a_visit_or_a_household_writes_a_read_audit_row(cast, vw, client_for):
    v = _visit(vw.cadre_a, vw.home_a)
    c = client_for(vw.cadre_a)
    assert c.get(f"/grid/visits/{v.pk}/").status_code == 200
    assert c.get(f"/grid/households/{vw.home_a.pk}/").status_code == 200
    assert (_reads(v), _reads(vw.home_a)) == (1, 1)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.READ, content_type__model="visit")
    assert entry.actor == vw.cadre_a and entry.scope_path == cast.comm_a.path


def test_the_list_filters_by_area_and_month(cast, vw, client_for):
    today = timezone.localdate()
    _visit(vw.secretary, vw.home_a)
    _visit(vw.secretary, vw.home_a2)
    c = client_for(vw.secretary)
    html = c.get(f"/grid/visits/?org={cast.comm_a.pk}&area={vw.grid_a2.pk}").content.decode()
    assert "乙片住户" in html and "甲片住户一" not in html
    other = "2000-01"
    html = c.get(f"/grid/visits/?org={cast.comm_a.pk}&month={other}").content.decode()
    assert "乙片住户" not in html
    html = c.get(f"/grid/visits/?org={cast.comm_a.pk}&month={today:%Y-%m}").content.decode()
    assert "乙片住户" in html


@pytest.mark.parametrize(
    "path",
    [
        "/grid/households/{home_a2}/",
        "/grid/visits/{visit_a2}/",
        "/grid/visits/?org={comm}&area={grid_a2}",
        "/grid/visits/export/?org={comm}&area={grid_a2}",
        "/grid/visits/new/?org={comm}&area={grid_a2}",
        "/api/v1/grid/visits/?org={comm}&area={grid_a2}",
    ],
)
def test_the_cadre_of_area_a_gets_a_404_for_anything_of_area_b(cast, vw, client_for, path):
    visit_a2 = _visit(vw.cadre_a2, vw.home_a2)
    url = path.format(
        home_a2=vw.home_a2.pk, visit_a2=visit_a2.pk, comm=cast.comm_a.pk, grid_a2=vw.grid_a2.pk
    )
    assert client_for(vw.cadre_a).get(url).status_code == 404
    assert client_for(vw.cadre_a2).get(url).status_code == 200


def test_the_cadre_of_area_a_cannot_post_anything_about_area_b(cast, vw, client_for):
    visit_a2 = _visit(vw.cadre_a2, vw.home_a2, follow_up="维修")
    c = client_for(vw.cadre_a)
    assert c.post(f"/grid/visits/{visit_a2.pk}/request/", {"category": "repair"}).status_code == 404
    assert (
        c.post(f"/grid/visits/{visit_a2.pk}/edit/", {"version": 1, "visited_on": "2026-01-01"})
    ).status_code == 404
    r = c.post(
        "/api/v1/grid/visits/",
        json.dumps(
            {
                "household_id": vw.home_a2.pk,
                "visited_on": timezone.localdate().isoformat(),
                "found": "x",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert Visit.objects.count() == 1 and not Request.objects.exists()


def test_the_cadres_list_api_and_export_hold_only_their_area(cast, vw, client_for):
    _visit(vw.cadre_a, vw.home_a)
    _visit(vw.cadre_a2, vw.home_a2)
    c = client_for(vw.cadre_a)
    html = c.get("/grid/visits/").content.decode()
    assert "甲片住户一" in html and "乙片住户" not in html
    items = c.get("/api/v1/grid/visits/").json()["items"]
    assert [i["household"] for i in items] == ["甲片住户一"]
    got = rows(c.get(f"/grid/visits/export/?org={cast.comm_a.pk}"))
    assert [r[1] for r in got] == ["甲片住户一"]


def test_the_ledger_export_has_the_visits_of_the_period_and_is_audited(cast, vw, client_for):
    today = timezone.localdate()
    v = _visit(vw.secretary, vw.home_a, met="王奶奶", follow_up="修灯")
    services.visit_open_request(v, acting_user=vw.secretary, category="repair")
    add_visits(vw.home_a2, vw.cadre_a2, [dt.date(today.year - 1, 3, 1)])
    c = client_for(vw.secretary)
    r = c.get(f"/grid/visits/export/?org={cast.comm_a.pk}&from={today.year}-01-01&to={today}")
    (row,) = rows(r)
    v.refresh_from_db()
    assert row[0].date() == today
    assert row[1:] == (
        "甲片住户一",
        "第一网格 / 1号楼 / 1单元",
        "书记测试",
        "是",
        "王奶奶",
        SECRET,
        "修灯",
        v.request.number,
    )
    got = rows(c.get(f"/grid/visits/export/?org={cast.comm_a.pk}&from={today.year - 1}-01-01"))
    assert len(got) == 2
    assert (
        AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, field="grid.visits").count() == 2
    )


def test_the_household_page_marks_and_unmarks_a_key_household(cast, vw, client_for):
    c = client_for(vw.secretary)
    r = c.post(f"/grid/households/{vw.home_a.pk}/key/", {"reason": ""})
    assert "请写明标记为重点户的原因" in r.content.decode()
    r = c.post(f"/grid/households/{vw.home_a.pk}/key/", {"reason": "独居高龄老人"})
    assert r.status_code == 302
    mark = KeyHousehold.objects.get()
    html = c.get(f"/grid/households/{vw.home_a.pk}/").content.decode()
    assert "独居高龄老人" in html
    r = c.post(
        f"/grid/households/key/{mark.pk}/unmark/", {"reason": "迁出", "version": mark.version}
    )
    assert r.status_code == 302
    mark.refresh_from_db()
    assert mark.until is not None
    # a cadre sees the mark but is not offered the form, and the post is refused
    services.key_mark(acting_user=vw.secretary, household=vw.home_a, reason="再标")
    cadre = client_for(vw.cadre_a)
    assert 'id="mark-form"' not in cadre.get(f"/grid/households/{vw.home_a.pk}/").content.decode()
    r = cadre.post(f"/grid/households/{vw.home_a_2.pk}/key/", {"reason": "x"})
    assert "只有本社区书记" in r.content.decode()


def test_the_household_page_lists_its_visits_and_service_requests(cast, vw, client_for):
    v = _visit(vw.cadre_a, vw.home_a, follow_up="修灯")
    req = services.visit_open_request(v, acting_user=vw.cadre_a, category="repair")
    html = client_for(vw.cadre_a).get(f"/grid/households/{vw.home_a.pk}/").content.decode()
    assert req.number in html and "网格员甲" in html


def test_the_coverage_page_shows_the_area_green_after_a_visit_this_month(cast, vw, client_for):
    today = timezone.localdate()
    add_visits(vw.home_a, vw.cadre_a, [dt.date(today.year, m, 1) for m in range(1, today.month)])
    c = client_for(vw.secretary)
    url = f"/grid/coverage/?org={cast.comm_a.pk}&year={today.year}"
    html = c.get(url).content.decode()
    assert f'id="area-{vw.grid_a.pk}" data-light="amber"' in html
    _visit(vw.cadre_a, vw.home_a)
    html = c.get(url).content.decode()
    assert f'id="area-{vw.grid_a.pk}" data-light="green"' in html


def test_the_coverage_page_flags_a_key_household_visited_only_by_others(cast, vw, client_for):
    services.key_mark(acting_user=vw.secretary, household=vw.home_a, reason="独居")
    _visit(vw.cadre_a, vw.home_a)
    html = client_for(vw.secretary).get(f"/grid/coverage/?org={cast.comm_a.pk}").content.decode()
    assert 'data-state="others_only"' in html and "书记还没有亲自走访" in html


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "member_user", "branch_sec"])
@pytest.mark.parametrize(
    "path", ["/grid/visits/", "/grid/coverage/", "/grid/visits/new/", "/grid/visits/export/"]
)
def test_those_without_a_way_in_get_a_404(cast, vw, client_for, who, path):
    assert client_for(getattr(cast, who)).get(f"{path}?org={cast.comm_a.pk}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/grid/visits/?org={comm}",
        "/grid/visits/export/?org={comm}",
        "/api/v1/grid/visits/?org={comm}",
    ],
)
def test_list_export_and_api_cost_the_same_for_a_few_visits_and_many(cast, vw, client_for, url):
    c = client_for(vw.secretary)
    url = url.format(comm=cast.comm_a.pk)
    today = timezone.localdate()
    add_visits(vw.home_a, vw.cadre_a, [today])
    c.get(url)
    few = queries(c, url)
    add_visits(vw.home_a2, vw.cadre_a2, [today] * 25)
    add_visits(vw.home_a_2, vw.secretary, [today] * 25, by_secretary=True)
    assert queries(c, url) == few
