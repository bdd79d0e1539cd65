"""The assessment pages: who sees which community's scores; every figure of the scorecard drills
down to records that add up to it; the exports equal the pages; a changed weight or target in the
rules changes the page; the inspectors' scores page; query counts that do not grow with rows."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.assessment import scoring, services
from dangjian.assessment import views_rows as rows_
from dangjian.assessment.indicators import all_indicators
from dangjian.assessment.models import InspectorScore
from dangjian.core import rules
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import OrgKind
from tests.exports_helpers import queries, rows, same_queries_at_5_and_50, sheets
from tests.factories import make_org


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def weights(settings):
    """``weights({...})``: only the given indicators count (the rest get weight 0), so a test does
    not depend on which indicators have landed; ``targets`` likewise."""

    def set_(counted: dict[str, int], targets: dict[str, float] | None = None) -> None:
        w = {i.key: 0 for i in all_indicators()} | counted
        settings.DANGJIAN_RULES = {
            "default": {"assess.weights": w} | ({"assess.targets": targets} if targets else {})
        }
        rules.reset_cache()

    yield set_
    settings.DANGJIAN_RULES = None
    rules.reset_cache()


def _score(cast, good, score, community=None, **kw):
    today = timezone.localdate()
    return services.inspector_score_add(
        acting_user=cast.street_sec,
        community=community or cast.comm_a,
        year=today.year,
        good=good,
        score=score,
        inspector=kw.get("inspector", "东城街道考核组"),
        scored_on=today,
        note=kw.get("note", ""),
    )


def _text(r) -> str:
    assert r.status_code == 200, r.status_code
    return r.content.decode()


# ---- access ------------------------------------------------------------------------------
def test_a_community_secretary_sees_only_their_own_community(cast, client_for, year):
    c = client_for(cast.comm_a_sec)
    r = c.get("/assessment/")
    assert r.status_code == 302 and r["Location"] == f"/assessment/{cast.comm_a.pk}/{year}/"
    assert "文化东路社区党委" in _text(c.get(r["Location"]))
    b = cast.comm_b.pk
    for path in (
        f"/assessment/{b}/{year}/",
        f"/assessment/{b}/{year}/export/",
        f"/assessment/{b}/{year}/inspect.leadership/",
        f"/assessment/{b}/{year}/inspect.leadership/export/",
        f"/assessment/{b}/{year}/inspector-scores/",
        f"/assessment/?org={b}",
        f"/assessment/export/?org={b}",
        f"/assessment/?org={cast.street_a.pk}",  # the street above is not theirs either
        f"/api/v1/assessment/{b}/{year}",
        f"/api/v1/assessment/{b}/{year}/inspect.leadership/records",
        f"/api/v1/assessment/scores?org={b}",
    ):
        assert c.get(path).status_code == 404, path


def test_the_street_sees_its_communities_and_not_the_other_streets(cast, client_for, year):
    c = client_for(cast.street_sec)
    page = _text(c.get("/assessment/"))
    assert "文化东路社区党委" in page and "团结路社区党总支" in page
    assert "迎宾路社区党总支" not in page
    assert c.get(f"/assessment/{cast.comm_a2.pk}/{year}/").status_code == 200
    assert c.get(f"/assessment/{cast.comm_b.pk}/{year}/").status_code == 404
    assert c.get(f"/assessment/?org={cast.street_b.pk}").status_code == 404
    assert c.get(f"/assessment/?org={cast.county.pk}").status_code == 404


def test_a_plain_member_and_the_outsider_get_nothing(cast, client_for, year):
    for user in (cast.member_user, cast.outsider):
        c = client_for(user)
        page = _text(c.get("/assessment/"))
        assert "没有可查看考核的组织" in page and "文化东路" not in page
        for path in (
            f"/assessment/{cast.comm_a.pk}/{year}/",
            f"/assessment/{cast.comm_a.pk}/{year}/inspect.leadership/",
            f"/assessment/?org={cast.comm_a.pk}",
            "/assessment/export/",
        ):
            assert c.get(path).status_code == 404, (user, path)


def test_unknown_key_and_future_year_are_404(cast, client_for, year):
    c = client_for(cast.comm_a_sec)
    assert c.get(f"/assessment/{cast.comm_a.pk}/{year}/no.such/").status_code == 404
    assert c.get(f"/assessment/{cast.comm_a.pk}/{year + 1}/").status_code == 404
    assert c.get(f"/assessment/{cast.branch_a.pk}/{year}/").status_code == 404  # not a community


# ---- every figure explains itself --------------------------------------------------------
def test_every_indicators_drill_down_adds_up_to_the_scorecard(cast, client_for, year, settings):
    """All indicators present (those landed so far, and the inspectors' scores switched on)."""
    settings.DANGJIAN_RULES = {
        "default": {"assess.weights": {f"inspect.{g}": 1 for g in ("leadership", "members")}}
    }
    rules.reset_cache()
    try:
        _score(cast, "leadership", "88.5")
        _score(cast, "leadership", "71")
        _score(cast, "members", "45", note="党员教育不足")
        card = scoring.scorecard(cast.comm_a, year)
        assert card.line("inspect.leadership") is not None
        c = client_for(cast.comm_a_sec)
        page = _text(c.get(f"/assessment/{cast.comm_a.pk}/{year}/"))
        for g in rows_.good_rows(card):
            for ln in g.lines:
                url = f"/assessment/{cast.comm_a.pk}/{year}/{ln.key}/"
                assert f'href="{url}">{ln.figure}</a>' in page, ln.key
                drill = _text(c.get(url))
                assert f'<strong id="figure">{ln.figure}</strong>' in drill, ln.key
                got = rows(c.get(f"{url}export/"))
                assert len(got) - 1 == ln.count
                earned = sum(Decimal(str(r[3])) for r in got[:-1])
                out_of = sum(Decimal(str(r[4])) for r in got[:-1])
                assert (earned, out_of) == (ln.numerator, ln.denominator), ln.key
                assert got[-1][0] == "合计" and Decimal(str(got[-1][3])) == ln.numerator
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_the_drill_down_filters_and_pages_and_its_totals_stay_whole(
    cast, client_for, year, weights
):
    weights({"inspect.leadership": 1})
    for i in range(55):
        _score(cast, "leadership", "50" if i % 5 == 0 else "90", inspector=f"考核组{i:02d}")
    c = client_for(cast.comm_a_sec)
    url = f"/assessment/{cast.comm_a.pk}/{year}/inspect.leadership/"
    first = _text(c.get(url))
    assert first.count('class="record"') == 50 and "第 1 / 2 页" in first
    assert '<strong id="figure">4510/5500</strong>' in first  # 11×50 + 44×90 of 55×100
    assert "达标 44 条，未达标 11 条" in first
    bad = _text(c.get(url + "?show=bad"))
    assert bad.count('class="record"') == 11 and '<strong id="figure">4510/5500</strong>' in bad
    assert _text(c.get(url + "?show=ok&page=1")).count('class="record"') == 44
    assert len(rows(c.get(url + "export/"))) == 56  # every record and the totals line


# ---- exports equal the pages -------------------------------------------------------------
def test_the_table_and_scorecard_exports_equal_the_pages(cast, client_for, year, weights):
    weights({"inspect.leadership": 1, "inspect.residents": 2})
    _score(cast, "leadership", "88")
    _score(cast, "residents", "72", community=cast.comm_a2)
    c = client_for(cast.street_sec)
    card_a = scoring.scorecard(cast.comm_a, year)
    card_a2 = scoring.scorecard(cast.comm_a2, year)
    assert (card_a.total, card_a.level) == (Decimal("88.0"), "良好")
    assert (card_a2.total, card_a2.level) == (Decimal("72.0"), "合格")

    page = _text(c.get(f"/assessment/?org={cast.street_a.pk}&sort=-total"))
    assert page.index("文化东路社区党委") < page.index("团结路社区党总支")
    assert ">88</a>" in page and ">72</a>" in page
    table = rows(c.get(f"/assessment/export/?org={cast.street_a.pk}&year={year}&sort=-total"))
    assert [r[0] for r in table] == ["文化东路社区党委", "团结路社区党总支"]
    assert table[0][1:] == (17.6, None, None, None, None, 88, "良好")
    assert table[1][1:] == (None, None, None, None, 14.4, 72, "合格")
    up = _text(c.get(f"/assessment/?org={cast.street_a.pk}&sort=total"))
    assert up.index("团结路社区党总支") < up.index("文化东路社区党委")

    got = sheets(c.get(f"/assessment/{cast.comm_a.pk}/{year}/export/"))
    lines = list(got.values())[0][2:]
    keys = ["inspect.leadership", "inspect.residents"]
    assert [r[1] for r in lines] == [ln.key for ln in card_a.lines] == keys
    assert lines[0][4:12] == (1, 88, 100, 88, 100, 1, 88, 17.6)
    assert lines[1][4:10] == (0, 0, 0, None, 100, 2)  # nothing to count: not scored
    assert not any(lines[1][10:])
    summary = {r[0]: r[1] for r in list(got.values())[1][2:]}
    assert summary["社区党组织"] == "文化东路社区党委" and summary["领导班子好"] == 17.6
    assert summary["总分"] == 88 and summary["等次"] == "良好"
    scorecard_page = _text(c.get(f"/assessment/{cast.comm_a.pk}/{year}/"))
    assert '<strong class="fs-3" id="total">88</strong>' in scorecard_page
    assert "17.6 / 20 分" in scorecard_page and "折合 17.6 分" in scorecard_page
    assert AuditEntry.objects.filter(action="export", field="assessment.scorecard").count() == 1


# ---- the rules drive the scores ----------------------------------------------------------
def _total(c, cast, year) -> str:
    page = _text(c.get(f"/assessment/{cast.comm_a.pk}/{year}/"))
    return re.search(r'id="total">([^<]*)<', page).group(1)


def test_a_changed_weight_or_target_changes_the_total_without_code(cast, client_for, year, weights):
    _score(cast, "leadership", "90")
    _score(cast, "members", "50")
    c = client_for(cast.comm_a_sec)
    weights({"inspect.leadership": 1})
    assert _total(c, cast, year) == "90"
    weights({"inspect.leadership": 1, "inspect.members": 1})
    assert _total(c, cast, year) == "70"  # (18 + 10) of 40, on 100
    weights({"inspect.leadership": 1, "inspect.members": 1}, {"inspect.members": 0.5})
    assert _total(c, cast, year) == "95"  # 50% of the 50% target is full marks
    weights({})
    assert _total(c, cast, year) == "—"


# ---- inspectors' scores page ------------------------------------------------------------
def test_the_street_adds_and_voids_a_score_from_the_page(cast, client_for, year):
    url = f"/assessment/{cast.comm_a.pk}/{year}/inspector-scores/"
    street = client_for(cast.street_sec)
    page = _text(street.get(url))
    assert "本地未采用" in page and 'id="score-form"' in page
    today = timezone.localdate().isoformat()
    data = {"good": "results", "score": "86.5", "inspector": "街道考核组", "scored_on": today}
    r = street.post(url, data)
    assert r.status_code == 302
    s = InspectorScore.objects.get()
    assert s.score == Decimal("86.5") and s.entered_by == cast.street_sec

    bad = street.post(url, data | {"score": "120"})
    assert bad.status_code == 200 and "得分应为 0 到 100 之间的数" in bad.content.decode()
    assert InspectorScore.objects.count() == 1

    void = f"{url}{s.pk}/void/"
    r = street.post(void, {"reason": "录错", "version": "7"}, follow=True)
    assert "已被他人修改" in r.content.decode()
    s.refresh_from_db()
    assert s.voided_at is None
    page = _text(street.get(url))
    assert f'action="{void}"' in page and "data-confirm=" in page
    r = street.post(void, {"reason": "录错了", "version": "1"}, follow=True)
    assert "已作废该打分" in r.content.decode() and "录错了" in r.content.decode()
    s.refresh_from_db()
    assert s.voided_at is not None


def test_the_community_reads_the_scores_but_cannot_add_or_void(cast, client_for, year):
    s = _score(cast, "leadership", "80")
    url = f"/assessment/{cast.comm_a.pk}/{year}/inspector-scores/"
    c = client_for(cast.comm_a_sec)
    page = _text(c.get(url))
    assert "东城街道考核组" in page and 'id="score-form"' not in page and "/void/" not in page
    today = timezone.localdate().isoformat()
    data = {"good": "results", "score": "90", "inspector": "自评", "scored_on": today}
    assert c.post(url, data).status_code == 404
    assert c.post(f"{url}{s.pk}/void/", {"reason": "x", "version": "1"}).status_code == 404
    assert InspectorScore.objects.live().count() == 1


def test_the_page_says_when_the_locality_counts_the_scores(cast, client_for, year, weights):
    weights({"inspect.members": 2})
    page = _text(
        client_for(cast.street_sec).get(f"/assessment/{cast.comm_a.pk}/{year}/inspector-scores/")
    )
    assert "本地规则采用考核组现场打分" in page and "权重 2" in page and "本地未采用" in page


# ---- query counts ------------------------------------------------------------------------
def test_the_street_table_costs_the_same_for_2_and_5_communities(cast, client_for, year):
    """Every indicator reads all the street's communities at once (``Indicator.many``): the
    table's statements do not grow with the communities (see also test_street_queries.py)."""
    c = client_for(cast.street_sec)
    url = f"/assessment/?org={cast.street_a.pk}&year={year}"
    queries(c, url)  # warm per-process caches
    at_2 = queries(c, url)
    for i in range(3):
        make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"新社区{i}")
    queries(c, url)  # the first read after new organisations keeps their cadence figures
    at_5 = queries(c, url)
    assert at_5 == at_2, (at_2, at_5)


def test_the_drill_down_costs_the_same_for_5_and_50_records(cast, client_for, year):
    c = client_for(cast.comm_a_sec)

    def grow(n):
        while InspectorScore.objects.count() < n:
            _score(cast, "leadership", "80")

    url = f"/assessment/{cast.comm_a.pk}/{year}/inspect.leadership/"
    same_queries_at_5_and_50(c, url, grow)
    InspectorScore.objects.all().delete()
    same_queries_at_5_and_50(c, url + "export/", grow)
    InspectorScore.objects.all().delete()
    same_queries_at_5_and_50(c, f"/assessment/{cast.comm_a.pk}/{year}/inspector-scores/", grow)
