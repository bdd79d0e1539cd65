"""The assessment API: the same figures as the pages, records that add up to them across pages,
on-site scores entered only from above, and the same access as the pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.assessment import scoring, services
from dangjian.assessment.indicators import all_indicators
from dangjian.assessment.models import InspectorScore
from dangjian.core import rules
from dangjian.core.models import AuditEntry


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def inspected(settings):
    w = {i.key: 0 for i in all_indicators()} | {"inspect.leadership": 1, "inspect.results": 1}
    settings.DANGJIAN_RULES = {"default": {"assess.weights": w}}
    rules.reset_cache()
    yield
    settings.DANGJIAN_RULES = None
    rules.reset_cache()


def _score(cast, score, community=None, good="leadership"):
    today = timezone.localdate()
    return services.inspector_score_add(
        acting_user=cast.street_sec,
        community=community or cast.comm_a,
        year=today.year,
        good=good,
        score=score,
        inspector="东城街道考核组",
        scored_on=today,
    )


def _dec(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def test_scores_list_the_streets_communities_with_the_pages_figures(
    cast, client_for, year, inspected
):
    _score(cast, "90")
    _score(cast, "60", community=cast.comm_a2, good="results")
    r = client_for(cast.street_sec).get(f"/api/v1/assessment/scores?org={cast.street_a.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    by_id = {row["community_id"]: row for row in body["items"]}
    assert set(by_id) == {cast.comm_a.pk, cast.comm_a2.pk}
    for org in (cast.comm_a, cast.comm_a2):
        card = scoring.scorecard(org, year)
        row = by_id[org.pk]
        assert (_dec(row["total"]), row["level"]) == (card.total, card.level)
        assert [_dec(g["points"]) for g in row["goods"]] == [g.points for g in card.goods]
    assert _dec(by_id[cast.comm_a.pk]["total"]) == Decimal("90.0")
    one = client_for(cast.street_sec).get("/api/v1/assessment/scores?limit=1&offset=1").json()
    assert one["count"] == 2 and len(one["items"]) == 1


def test_the_scorecard_and_its_records_add_up_across_pages(cast, client_for, year, inspected):
    for i in range(7):
        _score(cast, str(50 + i * 5))
    c = client_for(cast.comm_a_sec)
    card = c.get(f"/api/v1/assessment/{cast.comm_a.pk}/{year}").json()
    assert _dec(card["total"]) == scoring.scorecard(cast.comm_a, year).total
    line = next(ln for ln in card["lines"] if ln["key"] == "inspect.leadership")
    assert line["records"] == 7 and _dec(line["denominator"]) == 700
    got = []
    for offset in (0, 3, 6):
        page = c.get(
            f"/api/v1/assessment/{cast.comm_a.pk}/{year}/inspect.leadership/records"
            f"?limit=3&offset={offset}"
        ).json()
        assert page["count"] == 7
        got += page["items"]
    assert sum(_dec(x["points"]) for x in got) == _dec(line["numerator"])
    assert sum(_dec(x["out_of"]) for x in got) == _dec(line["denominator"])
    bad = c.get(f"/api/v1/assessment/{cast.comm_a.pk}/{year}/inspect.leadership/records?show=bad")
    assert bad.json()["count"] == 2  # 50 and 55
    assert c.get(f"/api/v1/assessment/{cast.comm_a.pk}/{year}/no.such/records").status_code == 404


def _post(c, pk, year, **body):
    data = {"good": "members", "score": "86", "inspector": "街道考核组"} | body
    data.setdefault("scored_on", timezone.localdate().isoformat())
    return c.post(
        f"/api/v1/assessment/{pk}/{year}/inspector-scores",
        json.dumps(data),
        content_type="application/json",
    )


def test_only_the_street_above_enters_a_score_and_bad_input_changes_nothing(cast, client_for, year):
    street = client_for(cast.street_sec)
    r = _post(street, cast.comm_a.pk, year)
    assert r.status_code == 201 and r.json()["score"] in ("86", "86.0", 86)
    assert InspectorScore.objects.count() == 1
    before = (InspectorScore.objects.count(), AuditEntry.objects.count())
    r = _post(street, cast.comm_a.pk, year, score="150")
    assert r.status_code == 400 and "0 到 100" in r.json()["detail"]
    r = _post(client_for(cast.comm_a_sec), cast.comm_a.pk, year)
    assert r.status_code == 403 and "街道" in r.json()["detail"]
    assert _post(street, cast.comm_b.pk, year).status_code == 404
    assert _post(client_for(cast.outsider), cast.comm_a.pk, year).status_code == 404
    assert (InspectorScore.objects.count(), AuditEntry.objects.count()) == before
    listed = client_for(cast.comm_a_sec).get(
        f"/api/v1/assessment/{cast.comm_a.pk}/{year}/inspector-scores"
    )
    assert [s["inspector"] for s in listed.json()] == ["街道考核组"]


def test_members_and_outsiders_get_nothing_from_the_api(cast, client_for, year):
    for user in (cast.member_user, cast.outsider, cast.comm_b_sec):
        c = client_for(user)
        assert c.get(f"/api/v1/assessment/{cast.comm_a.pk}/{year}").status_code == 404
        assert c.get(f"/api/v1/assessment/scores?org={cast.comm_a.pk}").status_code == 404
        listed = c.get("/api/v1/assessment/scores").json()
        assert cast.comm_a.pk not in {row["community_id"] for row in listed["items"]}


def _api_queries(c, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_records_list_costs_the_same_for_5_and_50_records(cast, client_for, year):
    c = client_for(cast.comm_a_sec)
    url = f"/api/v1/assessment/{cast.comm_a.pk}/{year}/inspect.leadership/records?limit=100"
    for _i in range(5):
        _score(cast, "80")
    _api_queries(c, url)  # warm per-process caches
    at_5 = _api_queries(c, url)
    for _i in range(45):
        _score(cast, "80")
    assert _api_queries(c, url) == at_5


def test_the_scores_list_and_the_table_export_cost_one_scorecard_per_community(
    cast, client_for, year
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.orgs.models import OrgKind
    from tests.exports_helpers import queries
    from tests.factories import make_org

    c = client_for(cast.street_sec)
    api = f"/api/v1/assessment/scores?org={cast.street_a.pk}"
    xlsx = f"/assessment/export/?org={cast.street_a.pk}"
    _api_queries(c, api)
    queries(c, xlsx)
    before = (_api_queries(c, api), queries(c, xlsx))
    extra = [
        make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"新社区{i}")
        for i in range(3)
    ]
    cost = 0
    for org in extra:
        with CaptureQueriesContext(connection) as ctx:
            scoring.scorecard(org, year)
        cost = max(cost, len(ctx.captured_queries))
    after = (_api_queries(c, api), queries(c, xlsx))
    assert after[0] - before[0] <= 3 * cost and after[1] - before[1] <= 3 * cost, (before, after)
