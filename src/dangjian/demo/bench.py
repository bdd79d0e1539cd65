"""The benchmark: hot pages timed in-process against a generated city, next to their floors.

For one database (the one configured now) ``run_here`` migrates, generates the city, runs
ANALYZE, then asks each question twice:

- as a page, through ``django.test.Client`` logged in as the street secretary — the whole stack:
  middleware, session, access scope, selectors, template or API schema;
- as one hand-written SQL query (the *floor*): the least any implementation must ask the database
  for the same answer — the scoped, filtered, paginated member page with its count; the member
  row with its timeline; the coverage gaps of the street.

Each is timed over N requests after a warm-up; the page's SQL queries are counted
(``CaptureQueriesContext``) on the warm-up and its time spent in SQL is measured on every timed
request. ``run_all`` (in ``management/commands/benchmark.py``) runs this once per database, each in
a subprocess with its own ``DANGJIAN_DATABASE_URL``, and merges the reports.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangjian.accounts.models import Grant
from dangjian.meetings.cadence import COUNTED_KINDS
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, OrgKind, PlaceKind

from .bench_cadence import BENCH_CADENCE_USER, CadenceStreet
from .city import BENCH_ADMIN_USER, BENCH_STREET_USER, CityBuilder

#: What a secretary types into the search box: the full pinyin of a common surname, or its start.
SEARCHES = ("wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "zhou", "xu", "zh", "ma")
#: Targets of issue 2, for the member list page and API at 100,000 members.
TARGET_P95_MS = 150
TARGET_FLOOR_RATIO = 3


# --- numbers ---------------------------------------------------------------------------------------


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_ms:
        return math.nan
    return sorted_ms[max(0, math.ceil(q * len(sorted_ms)) - 1)]


def summarise(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)
    return {
        "n": len(s),
        "p50_ms": round(percentile(s, 0.50), 2),
        "p95_ms": round(percentile(s, 0.95), 2),
        "max_ms": round(s[-1], 2) if s else math.nan,
        "mean_ms": round(sum(s) / len(s), 2) if s else math.nan,
    }


class SqlClock:
    """Sums the time spent inside the database driver (a ``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t


# --- the floors: one hand-written query per question ---------------------------------------------


def _agg(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"string_agg({expr}, ',' ORDER BY {expr})"
    return f"group_concat({expr}, ',')"


def floor_member_list_sql(*, scoped: bool = True) -> str:
    """The visible, active members of a subtree whose search key contains the query: one page of
    50 in list order, with each row's organisation and categories, and the total for the pager.

    Parameters: (subtree bounds, pattern) twice — for the page and for the count — or just the
    pattern twice with ``scoped=False`` (a superuser's whole-database question, where a path
    filter would only add a join). The page is cut to 50 in a subquery before the categories are
    fetched, and the count is its own scalar subquery, so each part gets its best plan.
    """
    where = "m.state = 'active' AND m.search_key LIKE %s"
    if scoped:
        where = "o.path >= %s AND o.path < %s AND " + where
    return f"""
SELECT p.*,
       (SELECT {_agg("c.category")} FROM members_membercategory c WHERE c.member_id = p.id),
       (SELECT COUNT(*) FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id
        WHERE {where}) AS total
FROM (SELECT m.id, m.name, m.gender, m.birth_date, m.id_masked, m.status, m.state, m.mode,
             m.joined_on, o.id AS org_id, o.name AS org_name, o.path AS org_path
      FROM members_member m JOIN orgs_organisation o ON o.id = m.org_id
      WHERE {where}
      ORDER BY o.path, m.name, m.id
      LIMIT 50) p
ORDER BY p.org_path, p.name, p.id"""


def subtree(path: str) -> tuple[str, str]:
    """Bounds of a subtree for ``path >= lo AND path < hi``: every descendant's path starts with
    ``path`` followed by digits and "/", all below "~". Unlike ``LIKE 'path%'`` a range can use the
    path index on SQLite too (whose LIKE ignores case and so cannot use a binary index)."""
    return path, path + "~"


def list_params(path: str | None, q: str) -> tuple[str, ...]:
    """Parameters of :func:`floor_member_list_sql` (``path`` None: unscoped)."""
    pattern = f"%{q}%"
    return (pattern, pattern) if path is None else (*subtree(path), pattern) * 2


def floor_member_page_sql() -> str:
    """One member (if inside the subtree) with organisation, household, categories and every
    event of the timeline in order."""
    return f"""
SELECT m.id, m.name, m.gender, m.ethnicity, m.birth_date, m.id_masked, m.phone, m.education,
       m.joined_on, m.full_on, m.status, m.state, m.mode, m.work_unit, m.address, o.name, h.name,
       (SELECT {_agg("c.category")} FROM members_membercategory c WHERE c.member_id = m.id),
       e.id, e.kind, e.date, e.seq, eo.name, e.status, e.state, e.mode, e.categories,
       e.from_org_name, e.to_org_name, e.letter_no, e.letter_valid_until, e.note, e.recorded_at
FROM members_member m
JOIN orgs_organisation o ON o.id = m.org_id
LEFT JOIN orgs_place h ON h.id = m.household_id
LEFT JOIN members_memberevent e ON e.member_id = m.id
LEFT JOIN orgs_organisation eo ON eo.id = e.org_id
WHERE m.id = %s AND o.path >= %s AND o.path < %s
ORDER BY e.date, e.seq, e.id"""


def _quoted(kinds: set[Any]) -> str:
    return ", ".join(f"'{k}'" for k in sorted(str(k) for k in kinds))


def floor_coverage_sql() -> str:
    """Every building no active branch covers and every corridor no active group covers, in the
    communities of a subtree (its :func:`subtree` bounds are the parameters, twice), in tree order. As in the
    coverage view, a place is also covered through its parent (a grid branch covers its grid's
    buildings, a group that covers a building covers its corridors). Places belong to community
    organisations, so the subtree is narrowed to those first; then one branch per kind of place
    and one ``NOT EXISTS`` per link direction, so each probe is an index look-up."""
    branch_kinds = _quoted(BRANCH_KINDS)
    community_kinds = _quoted(COMMUNITY_KINDS)

    def gaps(place_kind: str, org_kinds: str) -> str:
        def link(column: str) -> str:
            return f"""NOT EXISTS (
    SELECT 1 FROM orgs_organisation_places op
    JOIN orgs_organisation b ON b.id = op.organisation_id
    WHERE op.place_id = p.{column} AND b.is_active AND b.kind IN ({org_kinds}))"""

        return f"""
SELECT p.id, p.kind, p.name, p.path AS place_path, c.id, c.name, c.path AS community_path
FROM orgs_place p
JOIN orgs_organisation c ON c.id = p.community_id
WHERE c.path >= %s AND c.path < %s AND c.kind IN ({community_kinds})
  AND p.kind = '{place_kind}'
  AND {link("id")}
  AND {link("parent_id")}"""

    group = f"'{OrgKind.GROUP.value}'"
    return (
        gaps(PlaceKind.BUILDING.value, branch_kinds)
        + "\nUNION ALL"
        + gaps(PlaceKind.CORRIDOR.value, group)
        + "\nORDER BY community_path, place_path"
    )


def floor_cadence_sql() -> str:
    """The held meetings of a subtree in a date range (a year up to today), counted per
    organisation, kind, body kind, "a linked county leader took part" and month: every number the
    cadence roll-up evaluates. Parameters: the :func:`subtree` bounds, first and last day."""
    # the month as text, the cheapest form on both (date_trunc/strftime cost more per row)
    if connection.vendor == "postgresql":
        month = "substr(m.date::text, 1, 7)"
    else:
        month = "substr(m.date, 1, 7)"
    return f"""
SELECT m.org_id, m.kind, b.kind,
       EXISTS (SELECT 1 FROM meetings_meeting_leaders l WHERE l.meeting_id = m.id),
       {month}, COUNT(*)
FROM meetings_meeting m
JOIN orgs_organisation o ON o.id = m.org_id
LEFT JOIN meetings_body b ON b.id = m.body_id
WHERE o.path >= %s AND o.path < %s AND NOT m.cancelled AND m.date >= %s AND m.date <= %s
  AND m.kind IN ({_quoted(set(COUNTED_KINDS))})
GROUP BY 1, 2, 3, 4, 5"""


def cadence_params(path: str, today: dt.date) -> tuple[Any, ...]:
    return (*subtree(path), dt.date(today.year, 1, 1), today)


# --- timing --------------------------------------------------------------------------------------


class QueryLog:
    """Every statement of a request with its own time, measured precisely (Django's query log
    rounds to whole milliseconds); an ``execute_wrapper``."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str, Any]] = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - t) * 1000, sql, params))


def time_page(
    client: Client, urls: list[str], *, warmup: int, check: Callable[[Any], None] | None = None
) -> dict[str, Any]:
    """Warm up (counting queries, finding the slowest), then time every URL and its SQL share."""
    counts = []
    slowest: tuple[float, str, Any, str] | None = None
    top: dict[str, float] = {}
    for url in urls[:warmup]:
        log = QueryLog()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(log):
            response = client.get(url)
        _ok(response, url)
        if check:
            check(response)
        counts.append(len(ctx.captured_queries))
        for ms, sql, params in log.queries:
            key = " ".join(sql.split())[:160]
            top[key] = max(top.get(key, 0.0), ms)
            if sql.lstrip().upper().startswith("SELECT") and (slowest is None or ms > slowest[0]):
                slowest = (ms, sql, params, url)
    total_ms, sql_ms = [], []
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        for url in urls[warmup:]:
            clock.seconds = 0.0
            t = time.perf_counter()
            response = client.get(url)
            total_ms.append((time.perf_counter() - t) * 1000)
            sql_ms.append(clock.seconds * 1000)
            _ok(response, url)
    out = summarise(total_ms)
    out["queries"] = max(counts) if counts else None
    out["queries_min"] = min(counts) if counts else None
    sql = summarise(sql_ms)
    out["sql_p50_ms"], out["sql_p95_ms"] = sql["p50_ms"], sql["p95_ms"]
    # what is not the database: middleware, session, Python, template or schema rendering
    out["python_p50_ms"] = round(out["p50_ms"] - sql["p50_ms"], 2)
    out["example_url"] = urls[-1]
    # the statements of one request, slowest first (the worst time seen during the warm-up)
    out["statements"] = [
        {"ms": round(ms, 2), "sql": sql} for sql, ms in sorted(top.items(), key=lambda kv: -kv[1])
    ]
    if slowest is not None:
        ms, sql_text, params, url = slowest
        out["slowest_query"] = {
            "ms": round(ms, 2),
            "url": url,
            "sql": sql_text[:3000],
            "params": [str(p)[:100] for p in (params or ())],
            "explain": explain(sql_text, params),
        }
    return out


def explain(sql: str, params: Any = None) -> list[str]:
    """The plan of one query (with actual timings on PostgreSQL)."""
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    try:
        with connection.cursor() as cur:
            cur.execute(prefix + sql, params)
            return [" ".join(str(c) for c in row) for row in cur.fetchall()]
    except Exception as exc:  # a plan is a bonus; the timing stands without it
        return [f"(EXPLAIN failed: {exc})"]


def _ok(response: Any, url: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def time_floor(sql: str, params: list[tuple[Any, ...]], *, warmup: int) -> dict[str, Any]:
    rows = []
    with connection.cursor() as cur:
        for p in params[:warmup]:
            cur.execute(sql, p)
            rows.append(len(cur.fetchall()))
        ms = []
        for p in params[warmup:]:
            t = time.perf_counter()
            cur.execute(sql, p)
            cur.fetchall()
            ms.append((time.perf_counter() - t) * 1000)
    out = summarise(ms)
    out["rows_p50"] = sorted(rows)[len(rows) // 2] if rows else 0
    out["sql"] = " ".join(sql.split())
    return out


# --- one database ----------------------------------------------------------------------------------


def database_info() -> dict[str, Any]:
    info: dict[str, Any] = {"vendor": connection.vendor}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            info["version"] = cur.fetchone()[0]
            cur.execute("SELECT pg_database_size(current_database())")
            info["size_mb"] = round(cur.fetchone()[0] / 1e6, 1)
            for name in ("shared_buffers", "work_mem", "fsync", "synchronous_commit"):
                cur.execute(f"SHOW {name}")
                info[name] = cur.fetchone()[0]
        else:
            info["version"] = sqlite3.sqlite_version
            path = Path(settings.DATABASES["default"]["NAME"])
            size = sum(
                p.stat().st_size
                for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
                if p.exists()
            )
            info["size_mb"] = round(size / 1e6, 1)
    return info


def analyze() -> None:
    """Fresh statistics, as autovacuum (PostgreSQL) or a nightly job (SQLite) would have."""
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


@contextmanager
def _quiet_logs():
    import logging

    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


#: A community secretary made for the benchmark: the home page and the art. 9 list are theirs.
BENCH_COMMUNITY_USER = "bench_community"


def community_client(street: Any) -> tuple[Any, Client]:
    """The street's biggest community and a logged-in client of its secretary (made here)."""
    from dangjian.orgs.models import Organisation

    communities = list(
        Organisation.objects.filter(
            path__startswith=street.path, kind__in=COMMUNITY_KINDS, is_active=True
        ).order_by("path")
    )
    community = max(
        communities,
        key=lambda c: Member.objects.filter(org__path__startswith=c.path).count(),
        default=street,
    )
    return community, _client_of(BENCH_COMMUNITY_USER, community, Grant.Role.SECRETARY)


def _client_of(username: str, org: Any, role: str) -> Client:
    """A logged-in client of the benchmark's account ``username`` (made if missing), holding
    ``role`` on ``org`` and nothing else."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=None)
    Grant.objects.filter(user=user).delete()
    Grant.objects.create(user=user, org=org, role=role)
    client = Client()
    client.force_login(user)
    return client


#: A county viewer made for the benchmark (as 县委组织部 is): the county-wide dashboard is theirs.
BENCH_COUNTY_USER = "bench_county"


def county_viewer_client(street: Any) -> tuple[Any, Client]:
    """The street's county and a logged-in client of a viewer of the whole county (made here)."""
    county = street.parent or street
    return county, _client_of(BENCH_COUNTY_USER, county, Grant.Role.VIEWER)


def build_county_snapshot(county: Any, client: Client) -> dict[str, Any]:
    """The county's dashboard is served from the figures the worker keeps (dashboards.snapshots):
    the first visit queues their count. Count them here as the worker would, timed, so that the
    timed requests read warm kept figures as every visit but the first does."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dangjian.dashboards import snapshots
    from dangjian.dashboards.models import Snapshot

    user = get_user_model().objects.get(username=BENCH_COUNTY_USER)
    client.get(f"/dashboards/?org={county.pk}")  # what a first visit does: queue the count
    s, _queued = snapshots.request_build(user=user, org=county, year=timezone.localdate().year)
    t = time.perf_counter()
    result = snapshots.run_build(s.pk, s.attempt)
    ms = round((time.perf_counter() - t) * 1000, 1)
    s = Snapshot.objects.defer("data").get(pk=s.pk)
    if s.state != Snapshot.State.IDLE or s.built_at is None:
        raise RuntimeError(f"全县数据看板统计失败：{s.error or result}")
    return {"snapshot_build_ms": ms, "snapshot_members": result.get("members")}


def run_here(
    *,
    members: int,
    requests: int,
    seed: int,
    log: Callable[[str], None],
    cadence_branches: int = 1000,
    reuse: bool = False,
) -> dict[str, Any]:
    """Benchmark the database configured now (it must be empty): build, then time. With
    ``reuse``, a database that already holds the benchmark's city (``--keep``) is migrated and
    timed again without generating anything."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    User = get_user_model()
    call_command("migrate", interactive=False, verbosity=0)
    if Member.objects.exists():
        if not (reuse and User.objects.filter(username=BENCH_STREET_USER).exists()):
            raise RuntimeError("数据库里已有党员数据；benchmark 只在新建的空数据库上运行。")
        log(f"[{connection.vendor}] 沿用保留的城市：{Member.objects.count():,} 名党员，不再生成")
        gen: dict[str, Any] = {"reused": True}
    else:
        log(f"[{connection.vendor}] 生成城市：{members:,} 名党员")
        city = CityBuilder(
            members=members, seed=seed, log=lambda s: log(f"[{connection.vendor}] {s}")
        )
        gen = city.build()
    t = time.perf_counter()
    analyze()
    gen["analyze_seconds"] = round(time.perf_counter() - t, 1)
    street_user = User.objects.get(username=BENCH_STREET_USER)
    admin = User.objects.get(username=BENCH_ADMIN_USER)
    street = Grant.objects.get(user=street_user).org
    in_street = Member.objects.filter(org__path__startswith=street.path)
    ids = list(in_street.values_list("pk", flat=True))
    rng = random.Random(seed)
    warmup = max(3, requests // 10)
    n = warmup + requests
    qs = [rng.choice(SEARCHES) for _ in range(n)]
    picks = [rng.choice(ids) for _ in range(n)]
    log(f"[{connection.vendor}] 计时：每项 {requests} 次（另预热 {warmup} 次）")

    street_client = Client()
    street_client.force_login(street_user)
    admin_client = Client()
    admin_client.force_login(admin)
    community, comm_client = community_client(street)
    county, county_client = county_viewer_client(street)
    matches: list[int] = []

    def api_count(response: Any) -> None:
        matches.append(response.json()["count"])

    list_floor = time_floor(
        floor_member_list_sql(), [list_params(street.path, q) for q in qs], warmup=warmup
    )
    # (name, client, urls, floor, check)
    plan: list[tuple[str, Client, list[str], dict[str, Any] | None, Any]] = [
        ("baseline", street_client, ["/healthz"] * n, None, None),
        ("member_list", street_client, [f"/members/?q={q}" for q in qs], list_floor, None),
        (
            "member_api",
            street_client,
            [f"/api/v1/members/?q={q}&limit=50" for q in qs],
            list_floor,
            api_count,
        ),
        (
            "member_page",
            street_client,
            [f"/members/{pk}/" for pk in picks],
            time_floor(
                floor_member_page_sql(),
                [(pk, *subtree(street.path)) for pk in picks],
                warmup=warmup,
            ),
            None,
        ),
        (
            "coverage",
            street_client,
            [f"/orgs/coverage/?org={street.pk}"] * n,
            time_floor(floor_coverage_sql(), [subtree(street.path) * 2] * n, warmup=warmup),
            None,
        ),
        # the street's dashboard: one grouped query per chart, whatever the number of children
        ("dashboard", street_client, [f"/dashboards/?org={street.pk}"] * n, None, None),
        # a community secretary's home: every 待办 provider counts in the database
        ("home_community", comm_client, ["/"] * n, None, None),
        # the community's art. 9 list: selected, counted and paged in the database
        ("nolife", comm_client, [f"/meetings/no-life/?org={community.pk}"] * n, None, None),
        # the street's five goods: every indicator for all its communities at once (a constant
        # number of statements); heavy Python, so timed a few times only
        (
            "assessment_street",
            street_client,
            [f"/assessment/?org={street.pk}"] * (warmup + 5),
            None,
            None,
        ),
        # the county's dashboard: read from the figures kept by the worker, counted first
        # (every member and organisation of the city: ``snapshot_build_ms``); timed a few
        # times only, like the assessment table
        (
            "dashboard_county",
            county_client,
            [f"/dashboards/?org={county.pk}"] * (warmup + 5),
            None,
            None,
        ),
        # the same search over the whole city, as the organisation department would run it
        (
            "member_list_city",
            admin_client,
            [f"/members/?q={q}" for q in qs],
            time_floor(
                floor_member_list_sql(scoped=False),
                [list_params(None, q) for q in qs],
                warmup=warmup,
            ),
            None,
        ),
    ]
    pages: dict[str, Any] = {}
    for name, client, urls, floor, check in plan:
        log(f"[{connection.vendor}] {name}")
        try:
            with _quiet_logs():
                built = build_county_snapshot(county, client) if name == "dashboard_county" else {}
                if built:
                    log(
                        f"[{connection.vendor}] 全县数据看板统计用时 {built['snapshot_build_ms']} ms"
                    )
                pages[name] = {**time_page(client, urls, warmup=warmup, check=check), **built}
        except Exception as exc:  # reported, and the run fails at the end (see the command)
            pages[name] = {"error": f"{type(exc).__name__}: {exc}"[:500], "example_url": urls[0]}
        if floor:
            pages[name]["floor"] = floor
    cadence = None
    if cadence_branches:
        # after the city's pages, so the extra street does not change their figures
        cadence, pages["cadence_rollup"] = _time_cadence(
            branches=cadence_branches, seed=seed, n=n, warmup=warmup, log=log
        )
    if matches:
        pages["member_api"]["matches_p50"] = sorted(matches)[len(matches) // 2]
    for page in pages.values():
        floor = page.get("floor")
        if floor and "error" not in page:
            f50, f95 = max(floor["p50_ms"], 1e-3), max(floor["p95_ms"], 1e-3)
            page["ratio_p50"] = round(page["p50_ms"] / f50, 1)
            page["ratio_p95"] = round(page["p95_ms"] / f95, 1)
            # the page's own time in the database against the floor: how much more the page
            # asks the database than one well-written query would
            page["sql_ratio_p50"] = round(page["sql_p50_ms"] / f50, 1)
            page["within_3x_floor"] = page["ratio_p50"] <= TARGET_FLOOR_RATIO
            page["sql_within_3x_floor"] = page["sql_ratio_p50"] <= TARGET_FLOOR_RATIO
    for name in ("member_list", "member_api"):
        if "error" not in pages[name]:
            pages[name]["p95_under_150ms"] = pages[name]["p95_ms"] < TARGET_P95_MS
    return {
        "database": database_info(),
        "gencity": gen,
        "scope": {
            "user": BENCH_STREET_USER,
            "street": street.name,
            "street_id": street.pk,
            "members_in_street": len(ids),
            "members_in_city": Member.objects.count(),
            "searches": list(SEARCHES),
            "community": community.name,
            "members_in_community": Member.objects.filter(
                org__path__startswith=community.path
            ).count(),
        },
        "cadence": cadence,
        "pages": pages,
        "loadavg_after": list(os.getloadavg()),
    }


def _time_cadence(
    *, branches: int, seed: int, n: int, warmup: int, log: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build the cadence street, then time its roll-up for its secretary against the floor."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dangjian.orgs.models import Organisation

    tag = f"[{connection.vendor}]"
    kept = Grant.objects.filter(user__username=BENCH_CADENCE_USER).values_list("org_id", flat=True)
    if kept:  # a kept database (--keep) already has the cadence street
        info: dict[str, Any] = {"street_id": kept[0], "reused": True}
    else:
        info = CadenceStreet(branches=branches, seed=seed, log=lambda s: log(f"{tag} {s}")).build()
        analyze()
    street = Organisation.objects.get(pk=info["street_id"])
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_CADENCE_USER))
    url = f"/meetings/cadence/rollup/?org={street.pk}"
    log(f"{tag} cadence_rollup")
    floor = time_floor(
        floor_cadence_sql(), [cadence_params(street.path, timezone.localdate())] * n, warmup=warmup
    )
    try:
        with _quiet_logs():
            page = time_page(client, [url] * n, warmup=warmup)
    except Exception as exc:  # reported, and the run fails at the end (see the command)
        page = {"error": f"{type(exc).__name__}: {exc}"[:500], "example_url": url}
    page["floor"] = floor
    today = timezone.localdate()
    in_street = Meeting.objects.filter(org__path__startswith=street.path)
    info["meetings"] = in_street.count()
    info["meetings_this_year"] = in_street.filter(date__year=today.year).count()
    info["floor_groups"] = floor["rows_p50"]
    return info, page


# --- the machine -------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    repo = Path(settings.BASE_DIR).parent.parent
    commit = _git(repo, "rev-parse", "--short", "HEAD")
    dirty = bool(_git(repo, "status", "--porcelain", "--untracked-files=no"))
    import psycopg

    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "loadavg_before": list(os.getloadavg()),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "sqlite_library": sqlite3.sqlite_version,
        "psycopg": psycopg.__version__,
        "git_commit": commit + ("+uncommitted changes" if dirty and commit else ""),
    }


def _git(repo: Path, *args: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""
