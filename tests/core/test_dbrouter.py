"""The replica router (core/dbrouter.py, docs/replicas.md): which query goes where, read-your-own-
writes, a replica that is down or behind — first as routing decisions on either database, then
against a real PostgreSQL streaming replica (scripts/pg-replica.sh, DANGJIAN_TEST_REPLICA_URL).

The whole module runs on one xdist worker: the real replica is one server shared by the workers,
and a test here stops it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import time_machine
from django.db import connections, router, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from dangjian.core import audit, dbrouter
from dangjian.core.dbrouter import ReplicaStickyMiddleware, replica_ok
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from tests.exports_helpers import rows
from tests.members.test_pages import edit_data

pytestmark = pytest.mark.xdist_group("pg-replica")

ALIAS = "replica1"


@contextlib.contextmanager
def replica_alias(**settings_over) -> Iterator[str]:
    """Configure the alias ``replica1`` for one test: by default a second connection to the test
    database itself (the decisions below need a replica that answers, not a different one).

    Made as Django's ConnectionHandler makes one, but not added to the configured databases: the
    test case would then open a transaction on it, and flush it after a transactional test (a
    standby refuses that), and otherwise forbids connecting to an alias it does not list."""
    conf = {**connections["default"].settings_dict, **settings_over}
    connections[ALIAS] = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, ALIAS)
    dbrouter.forget_health()
    try:
        yield ALIAS
    finally:
        with contextlib.suppress(Exception):
            connections[ALIAS].close()
        del connections[ALIAS]
        dbrouter.forget_health()


@pytest.fixture
def replica(db, settings):
    settings.DANGJIAN_REPLICAS = [ALIAS]
    with replica_alias() as alias:
        yield alias


def read_db(model=Member) -> str:
    return router.db_for_read(model)


# ---- routing decisions (SQLite and PostgreSQL) -------------------------------------------------
def test_without_replicas_the_router_leaves_django_alone(db, settings):
    settings.DANGJIAN_REPLICAS = []
    with replica_ok():
        assert dbrouter.ReplicaRouter().db_for_read(Member) is None
        assert dbrouter.ReplicaRouter().db_for_write(Member) is None
    assert read_db() == "default"


def test_a_write_goes_to_the_primary_even_on_a_lag_tolerant_page(replica):
    with replica_ok():
        assert router.db_for_write(Member) == "default"


def test_a_read_outside_a_lag_tolerant_page_goes_to_the_primary(replica):
    assert read_db() == "default"


def test_a_read_on_a_lag_tolerant_page_goes_to_the_replica(replica):
    with replica_ok():
        assert read_db() == "replica1"
        assert read_db(Organisation) == "replica1"
    assert read_db() == "default"


def test_a_decorated_view_reads_from_the_replica(replica):
    @replica_ok
    def view():
        return read_db()

    assert view() == "replica1"
    assert read_db() == "default"


def test_a_read_inside_a_transaction_goes_to_the_primary(replica):
    with replica_ok():
        with transaction.atomic():
            assert read_db() == "default"
        assert read_db() == "replica1"


def test_sessions_and_login_throttling_are_always_read_on_the_primary(replica):
    from axes.models import AccessAttempt
    from django.contrib.sessions.models import Session

    with replica_ok():
        assert read_db(Session) == "default"
        assert read_db(AccessAttempt) == "default"


def test_a_replica_marked_down_is_skipped(replica):
    dbrouter.mark_down(ALIAS, "测试")
    with replica_ok():
        assert read_db() == "default"


def test_a_replica_that_cannot_be_reached_is_skipped_and_not_asked_again_at_once(db, settings):
    settings.DANGJIAN_REPLICAS = [ALIAS]
    settings.DANGJIAN_REPLICA_CHECK_SECONDS = 60
    if connections["default"].vendor == "postgresql":
        unreachable = {"HOST": "127.0.0.1", "PORT": "1"}  # nothing listens on port 1
    else:
        unreachable = {"NAME": "/nonexistent-dir/replica.sqlite3"}
    with replica_alias(**unreachable):
        with replica_ok():
            assert read_db() == "default"
            health = dbrouter.replica_health(ALIAS)
            assert not health.ok and health.reason.startswith("连接失败")
            assert dbrouter.replica_health(ALIAS) is health  # cached: no second connect
            assert read_db() == "default"


def test_replicas_are_never_migrated(replica):
    assert router.allow_migrate(ALIAS, "members") is False
    assert router.allow_migrate("default", "members") is True


# ---- read-your-own-writes ----------------------------------------------------------------------
def through_middleware(request, work=lambda: None):
    """Run ``request`` through the sticky middleware; the "view" does ``work`` and then reads on
    a lag-tolerant page. Returns (response, where the read went)."""
    seen = {}

    def view(_request):
        work()
        with replica_ok():
            seen["read"] = read_db()
        return HttpResponse("ok")

    response = ReplicaStickyMiddleware(view)(request)
    return response, seen["read"]


def with_cookies(request, response):
    for name, morsel in response.cookies.items():
        request.COOKIES[name] = morsel.value
    return request


def test_a_successful_post_pins_the_user_to_the_primary_for_a_few_seconds(replica, settings):
    settings.DANGJIAN_REPLICA_STICKY_SECONDS = 5
    rf = RequestFactory()
    response, read = through_middleware(rf.get("/"))
    assert read == "replica1" and dbrouter.STICKY_COOKIE not in response.cookies

    posted, _read = through_middleware(rf.post("/"))
    cookie = posted.cookies[dbrouter.STICKY_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    _response, read = through_middleware(with_cookies(rf.get("/"), posted))
    assert read == "default"

    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
    with time_machine.travel(later, tick=False):
        _response, read = through_middleware(with_cookies(rf.get("/"), posted))
    assert read == "replica1"


def test_a_write_in_the_request_sends_its_later_reads_to_the_primary(replica, cast):
    def rename():
        Organisation.objects.filter(pk=cast.comm_a.pk).update(name="改名社区")

    response, read = through_middleware(RequestFactory().get("/"), rename)
    assert read == "default" and dbrouter.STICKY_COOKIE in response.cookies


def test_the_audit_row_of_an_export_does_not_pin_the_user(replica, cast):
    def export():
        audit.record(action=AuditEntry.Action.EXPORT, obj=cast.comm_a, acting_user=cast.admin)

    response, read = through_middleware(RequestFactory().get("/"), export)
    assert read == "replica1" and dbrouter.STICKY_COOKIE not in response.cookies


def test_a_forged_sticky_cookie_is_ignored(replica):
    request = RequestFactory().get("/")
    request.COOKIES[dbrouter.STICKY_COOKIE] = "1700000000:forged"
    _response, read = through_middleware(request)
    assert read == "replica1"


# ---- settings --------------------------------------------------------------------------------
def settings_of(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'dbs': settings.DATABASES, 'replicas': settings.DANGJIAN_REPLICAS},"
        " default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "dangjian.settings",
            "DANGJIAN_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_replica_urls_and_pooling_come_from_the_environment(tmp_path):
    r = settings_of(
        tmp_path,
        DANGJIAN_DATABASE_URL="postgres://app@db1:5432/dangjian",
        DANGJIAN_REPLICA_URLS="postgres://app@db2:5432/dangjian, postgres://app@db3/dangjian",
        DANGJIAN_DB_POOL="1",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    dbs = out["dbs"]
    assert out["replicas"] == ["replica1", "replica2"]
    assert (dbs["replica1"]["HOST"], dbs["replica2"]["HOST"]) == ("db2", "db3")
    for alias in ("default", "replica1", "replica2"):
        assert dbs[alias]["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
        assert dbs[alias]["OPTIONS"]["pool"]["max_size"] == 4
    assert dbs["replica1"]["TEST"]["MIRROR"] == "default"

    r = settings_of(tmp_path, DANGJIAN_DATABASE_URL="postgres://app@db1:5432/dangjian")
    dbs = json.loads(r.stdout)["dbs"]
    assert list(dbs) == ["default"] and "pool" not in dbs["default"].get("OPTIONS", {})
    assert dbs["default"]["CONN_MAX_AGE"] == 60


def test_replicas_need_a_postgresql_primary(tmp_path):
    r = settings_of(tmp_path, DANGJIAN_REPLICA_URLS="postgres://app@db2/dangjian")
    assert r.returncode != 0 and "只读副本" in r.stderr and "PostgreSQL" in r.stderr


# ---- a real streaming replica (PostgreSQL) -------------------------------------------------------
TIMEOUT = 30  # seconds: a replica on this machine replays in well under one


def replica_url() -> str:
    if connections["default"].vendor != "postgresql":
        pytest.skip("the streaming replica tests need PostgreSQL")
    url = os.environ.get("DANGJIAN_TEST_REPLICA_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs the replica tests: DANGJIAN_TEST_REPLICA_URL is missing")
        pytest.skip("no replica: run through scripts/test.sh (scripts/pg-replica.sh)")
    return url


def on_replica(sql: str, params: tuple = ()) -> tuple:
    """One row from the replica server (its `postgres` database, outside Django)."""
    parts = urlsplit(os.environ["DANGJIAN_TEST_REPLICA_URL"])
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=parts.username,
        dbname="postgres",
        connect_timeout=3,
        autocommit=True,
    ) as conn:
        return conn.execute(sql, params).fetchone()


def wait_until(what: str, check) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not {what} within {TIMEOUT} s")
        time.sleep(0.05)


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def wait_for_replay() -> None:
    """Until the replica has replayed everything the primary has written so far."""
    lsn = primary_lsn()
    wait_until(
        f"replay the primary's WAL up to {lsn}",
        lambda: on_replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,))[0],
    )


def wait_for_streaming() -> None:
    wait_until(
        "stream from the primary",
        lambda: on_replica("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'")[
            0
        ],
    )


def wait_for_receipt() -> None:
    lsn = primary_lsn()
    wait_until(
        f"receive the primary's WAL up to {lsn}",
        lambda: on_replica("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", (lsn,))[0],
    )


@contextlib.contextmanager
def replay_paused() -> Iterator[None]:
    on_replica("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        on_replica("SELECT pg_wal_replay_resume()")


@pytest.fixture
def live_replica(transactional_db, settings):
    """``replica1`` pointing at the real replica, on the same test database as the primary's
    (the whole cluster streams, the test database pytest-django made included)."""
    parts = urlsplit(replica_url())
    name = connections["default"].settings_dict["NAME"]
    wait_until(
        f"show the test database {name}",
        lambda: on_replica("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))[0],
    )
    wait_for_streaming()
    settings.DANGJIAN_REPLICAS = [ALIAS]
    settings.DANGJIAN_REPLICA_CHECK_SECONDS = 60  # the tests say when to check again
    with replica_alias(HOST=parts.hostname, PORT=str(parts.port), NAME=name, CONN_MAX_AGE=60):
        yield ALIAS


def cells(response) -> set[str]:
    return {str(v) for row in rows(response) for v in row if v is not None}


def register_export(client, org, *, replica_up: bool = True):
    """The members register export (a ``@replica_ok`` page); returns (response, queries that
    ran on the replica, queries that ran on the primary) — those reading the register. (The
    replica's queries cannot be captured when it is down: capturing connects first.)"""
    with (
        (
            CaptureQueriesContext(connections[ALIAS]) if replica_up else contextlib.nullcontext()
        ) as on_rep,
        CaptureQueriesContext(connections["default"]) as on_pri,
    ):
        response = client.get(f"/members/register/export/?org={org.pk}")

    def members(ctx):
        if ctx is None:
            return []
        return [q["sql"] for q in ctx.captured_queries if "members_memberevent" in q["sql"]]

    return response, members(on_rep), members(on_pri)


def test_a_lag_tolerant_page_reads_what_the_primary_wrote_from_the_replica(
    live_replica, cast, client_for
):
    Member.objects.filter(pk=cast.member_a.pk).update(name="副本读到")
    wait_for_replay()
    response, on_rep, on_pri = register_export(client_for(cast.comm_a_sec), cast.comm_a)
    assert response.status_code == 200
    assert "副本读到" in cells(response)
    assert on_rep and not on_pri
    # A page that is not lag-tolerant reads on the primary.
    with CaptureQueriesContext(connections[ALIAS]) as on_rep:
        assert client_for(cast.comm_a_sec).get(f"/members/{cast.member_a.pk}/").status_code == 200
    assert not on_rep.captured_queries


def test_the_secretary_who_just_saved_reads_her_change_on_the_primary(
    live_replica, cast, client_for
):
    client = client_for(cast.comm_a_sec)
    wait_for_replay()
    with replay_paused():  # the replica keeps showing the old name
        m = cast.member_a
        r = client.post(f"/members/{m.pk}/edit/", edit_data(m, name="刚改的名"))
        assert r.status_code == 302
        response, on_rep, on_pri = register_export(client, cast.comm_a)
        assert "刚改的名" in cells(response)
        assert on_pri and not on_rep
        # Another secretary, who wrote nothing, is served by the (stale) replica.
        other = client_for(cast.street_sec)
        response, on_rep, on_pri = register_export(other, cast.comm_a)
        names = cells(response)
        assert on_rep and not on_pri and "刚改的名" not in names and "张三" in names


def test_a_replica_too_far_behind_is_skipped_until_it_catches_up(live_replica, cast, settings):
    wait_for_replay()
    settings.DANGJIAN_REPLICA_MAX_LAG = 0
    with replay_paused():
        Member.objects.filter(pk=cast.member_a.pk).update(name="落后")
        wait_for_receipt()
        dbrouter.forget_health()
        with replica_ok():
            assert read_db() == "default"
        health = dbrouter.replica_health(ALIAS)
        assert not health.ok and "延迟" in health.reason
        settings.DANGJIAN_REPLICA_MAX_LAG = 3600  # the same lag, tolerated
        dbrouter.forget_health()
        with replica_ok():
            assert read_db() == "replica1"
    # Caught up again (a few seconds allowed: the other tests keep the primary writing).
    settings.DANGJIAN_REPLICA_MAX_LAG = 5
    wait_for_replay()
    dbrouter.forget_health()
    with replica_ok():
        assert read_db() == "replica1"


def test_zz_a_stopped_replica_falls_back_to_the_primary_and_the_page_still_works(
    live_replica, cast, client_for
):
    """Last in the module (the name): it stops the replica, then starts it again."""
    ctl = os.environ.get("PG_REPLICA_CTL", "")
    if not ctl:
        pytest.skip("PG_REPLICA_CTL (scripts/pg-replica.sh) is needed to stop the replica")
    client = client_for(cast.comm_a_sec)
    wait_for_replay()
    _response, on_rep, _on_pri = register_export(client, cast.comm_a)
    assert on_rep  # the replica was healthy, and the router remembers so for a minute
    subprocess.run([ctl, "stop"], check=True, timeout=60)
    try:
        # Stopped since the last check: the page fails on the replica, then runs on the primary.
        response, on_rep, on_pri = register_export(client, cast.comm_a)
        assert response.status_code == 200 and "张三" in cells(response)
        assert on_pri
        assert not dbrouter.replica_health(ALIAS).ok
        # Checked afresh: it cannot be connected to.
        dbrouter.forget_health()
        response, _on_rep, on_pri = register_export(client, cast.comm_a, replica_up=False)
        assert response.status_code == 200 and on_pri
        assert dbrouter.replica_health(ALIAS).reason.startswith("连接失败")
    finally:
        subprocess.run([ctl, "start"], check=True, timeout=60)
    wait_for_streaming()
    wait_for_replay()
    dbrouter.forget_health()
    _response, on_rep, _on_pri = register_export(client, cast.comm_a)
    assert on_rep  # back in service
