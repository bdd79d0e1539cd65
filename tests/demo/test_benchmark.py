"""``dangjian benchmark``: a tiny end-to-end run (so it cannot rot), and floors that answer the
same questions as the pages they are compared with."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from dangjian.accounts.models import Grant
from dangjian.demo import bench, pg
from dangjian.demo.city import BENCH_ADMIN_USER, BENCH_STREET_USER
from dangjian.members.models import Member, State
from dangjian.members.selectors import members_visible
from dangjian.orgs.models import PlaceKind
from dangjian.orgs.selectors import coverage_for

PAGES = (
    "member_list",
    "member_api",
    "member_page",
    "coverage",
    "member_list_city",
    "cadence_rollup",
)


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert bench.percentile(values, 0.5) == 50
    assert bench.percentile(values, 0.95) == 95
    assert bench.summarise([3.0, 1.0, 2.0])["max_ms"] == 3.0


def test_it_runs_end_to_end_on_every_database_and_writes_a_valid_report(tmp_path):
    """Databases are made by the command itself, in subprocesses: this test touches none. So it
    runs once, in the SQLite pass of scripts/test.sh, and covers PostgreSQL from there."""
    if connection.vendor == "postgresql":
        pytest.skip("runs in the SQLite pass, which benchmarks PostgreSQL too (its own server)")
    databases = ["sqlite"] + (["postgres"] if pg.server_bin() else [])
    out = tmp_path / "report.json"
    buf = StringIO()
    call_command(
        "benchmark",
        "--members",
        "300",
        "--requests",
        "3",
        "--databases",
        ",".join(databases),
        "--cadence-branches",
        "25",
        "--out",
        str(out),
        stdout=buf,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["members"] == 300 and report["machine"]["cores"] >= 1
    assert set(report["databases"]) == set(databases)
    for db in databases:
        part = report["databases"][db]
        assert part["gencity"]["members"] == 300
        assert part["database"]["version"]
        assert part["scope"]["members_in_street"] > 0
        for name in PAGES:
            page = part["pages"][name]
            assert "error" not in page, page
            assert page["n"] == 3
            assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["max_ms"]
            assert page["queries"] >= 1
            assert page["floor"]["n"] == 3 and page["floor"]["p50_ms"] > 0
            assert page["ratio_p50"] > 0 and "sql_ratio_p50" in page
        # pages without a floor: timed, and they ran without error
        assert part["pages"]["dashboard"]["n"] == 3 and "error" not in part["pages"]["dashboard"]
        county = part["pages"]["dashboard_county"]  # the whole city: a few requests only
        assert "error" not in county and county["n"] == 5 and county["queries"] >= 1
        street = part["pages"]["assessment_street"]
        assert "error" not in street and street["n"] == 5 and street["queries"] >= 1
        for name in ("home_community", "nolife"):  # issue 20: a big community's two pages
            assert "error" not in part["pages"][name], part["pages"][name]
            assert part["pages"][name]["n"] == 3, part["pages"][name]
        assert isinstance(part["pages"]["member_list"]["p95_under_150ms"], bool)
        assert part["cadence"]["branches"] == 25 and part["cadence"]["meetings"] > 0
    text = buf.getvalue()
    assert "党员列表（搜索）" in text and "下限p50" in text and "报告已写入" in text


@pytest.fixture
def city(db):
    call_command("gencity", "--members", "300", "--seed", "9", stdout=StringIO())
    grant = Grant.objects.get(user__username=BENCH_STREET_USER)
    return grant.user, grant.org


def _rows(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


@pytest.mark.parametrize("q", ["wang", "li", "zh"])
def test_the_member_list_floor_finds_what_the_page_finds(city, q):
    user, street = city
    rows = _rows(bench.floor_member_list_sql(), bench.list_params(street.path, q))
    expected = members_visible(user=user, q=q)
    total = expected.count()
    assert total > 0
    assert rows[0][-1] == total
    assert len(rows) == min(50, total)
    assert {r[0] for r in rows} <= set(expected.values_list("pk", flat=True))


def test_the_unscoped_floor_is_the_whole_database_question(city):
    rows = _rows(bench.floor_member_list_sql(scoped=False), bench.list_params(None, "wang"))
    admin = get_user_model().objects.get(username=BENCH_ADMIN_USER)
    assert rows[0][-1] == members_visible(user=admin, q="wang").count()


def test_the_member_page_floor_returns_the_member_with_the_whole_timeline(city):
    user, street = city
    member = Member.objects.filter(org__path__startswith=street.path).first()
    rows = _rows(bench.floor_member_page_sql(), [member.pk, *bench.subtree(street.path)])
    assert len(rows) == member.events.count()
    assert {r[0] for r in rows} == {member.pk}
    outside = Member.objects.exclude(org__path__startswith=street.path).first()
    if outside:  # a member of another street is not found through this street's floor
        assert _rows(bench.floor_member_page_sql(), [outside.pk, *bench.subtree(street.path)]) == []


def test_the_coverage_floor_lists_exactly_the_gaps_the_coverage_view_lists(city):
    user, street = city
    rows = _rows(bench.floor_coverage_sql(), bench.subtree(street.path) * 2)
    coverage = coverage_for(user=user, org=street, gaps=True)
    expected = {
        p.pk for c in coverage.communities for p in (*c.uncovered_buildings, *c.uncovered_corridors)
    }
    assert expected, "the generated city leaves some gaps on purpose"
    assert {r[0] for r in rows} == expected
    kinds = {r[1] for r in rows}
    assert kinds == {PlaceKind.BUILDING, PlaceKind.CORRIDOR}


def test_the_floor_only_counts_active_members(city):
    _, street = city
    rows = _rows(bench.floor_member_list_sql(), bench.list_params(street.path, ""))
    in_street = Member.objects.filter(org__path__startswith=street.path)
    assert in_street.exclude(state=State.ACTIVE).exists()
    assert rows[0][-1] == in_street.filter(state=State.ACTIVE).count()


def test_the_cadence_floor_counts_the_meetings_the_rollup_counts(city):
    import datetime as dt

    from django.utils import timezone

    from dangjian.demo.bench_cadence import BENCH_CADENCE_USER, CadenceStreet
    from dangjian.meetings.selectors.cadence import cadence_rollup

    info = CadenceStreet(branches=12, seed=3, log=lambda s: None).build()
    user = Grant.objects.get(user__username=BENCH_CADENCE_USER).user
    street = Grant.objects.get(user=user).org
    today = timezone.localdate()
    rows = _rows(bench.floor_cadence_sql(), bench.cadence_params(street.path, today))
    assert info["branches"] == 12 and rows
    per_org: dict[int, int] = {}
    for org_id, *_rest, n in rows:
        per_org[org_id] = per_org.get(org_id, 0) + n
    from dangjian.meetings.models import Meeting

    held = Meeting.objects.filter(
        org__path__startswith=street.path,
        cancelled=False,
        date__gte=dt.date(today.year, 1, 1),
        date__lte=today,
    )
    assert sum(per_org.values()) == held.count()
    rollup = cadence_rollup(user=user, root=street, year=today.year, today=today)
    assert sum(rollup.totals.values()) == 1 + 2 + 12  # the street, its communities, branches


def test_a_kept_city_is_timed_again_without_being_rebuilt(tmp_path):
    """``--keep DIR``: the first run generates and keeps the SQLite database (and the data
    directory with its field key); the second only migrates and times it."""
    if connection.vendor == "postgresql":
        pytest.skip("runs in the SQLite pass: the command makes its own SQLite database")
    args = ["--members", "300", "--requests", "3", "--databases", "sqlite"]
    args += ["--cadence-branches", "5", "--keep", str(tmp_path / "kept")]
    reports = []
    for run in (1, 2):
        out = tmp_path / f"report{run}.json"
        buf = StringIO()
        call_command("benchmark", *args, "--out", str(out), stdout=buf)
        reports.append(json.loads(out.read_text(encoding="utf-8"))["databases"]["sqlite"])
    assert (tmp_path / "kept" / "sqlite-300-s1" / "bench.sqlite3").is_file()
    assert "reused" not in reports[0]["gencity"] and reports[1]["gencity"]["reused"] is True
    assert reports[1]["cadence"]["reused"] is True
    assert reports[0]["scope"]["members_in_city"] == reports[1]["scope"]["members_in_city"]
    assert all("error" not in page for page in reports[1]["pages"].values())
    assert "沿用保留的城市" in buf.getvalue()
