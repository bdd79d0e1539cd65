"""``dangjian serve``: the real command in a subprocess, on a free port, against a copy of the
test database (SQLite: a file backed up from the in-memory test database; PostgreSQL: the test
database itself). It serves the probes, a page and a static file, and stops on SIGTERM."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

import dangjian

DANGJIAN = Path(sys.executable).parent / "dangjian"
STATIC = Path(dangjian.__file__).parent / "static" / "dangjian" / "site.js"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DANGJIAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(DANGJIAN_DATA_DIR=str(tmp_path), **extra)
    return env


@pytest.fixture
def database_url(django_db_setup, django_db_blocker, tmp_path) -> str:
    """A URL for the subprocess to the migrated test database. Outside a test transaction: the
    SQLite backup would wait forever on the transaction's lock of the in-memory database."""
    with django_db_blocker.unblock():
        return _database_url(tmp_path)


def _database_url(tmp_path: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_serve_runs_workers_serves_probes_pages_and_static_files_and_stops(database_url, tmp_path):
    port = _free_port()
    env = _env(tmp_path, DANGJIAN_DATABASE_URL=database_url)
    server = subprocess.Popen(
        [str(DANGJIAN), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.communicate()
            try:
                status, headers, body = _get(port, "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "dangjian serve did not start"
                time.sleep(0.2)
        assert status == 200 and b'"state": "ok"' in body
        assert headers["server"] == "dangjian"  # no server name or version of gunicorn's
        assert headers["cache-control"] == "no-store"
        status, _, body = _get(port, "/readyz")
        assert status == 200, body.decode()
        status, headers, body = _get(port, "/static/dangjian/site.js")
        assert status == 200 and body == STATIC.read_bytes()
        assert "javascript" in headers["content-type"]
        assert (tmp_path / "static" / "dangjian" / "site.js").exists()  # collected first
        status, _, body = _get(port, "/accounts/login/")
        assert status == 200 and "登录".encode() in body
        status, headers, _ = _get(port, "/members/")
        assert status == 302 and "/accounts/login/" in headers["location"]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            out, err = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
    assert server.returncode == 0, err
    assert f"社区党建工作平台已启动：http://127.0.0.1:{port}（2 个工作进程）" in out
    assert "现在不是生产模式" in err  # said once, without DANGJIAN_PRODUCTION=1


@pytest.mark.parametrize("production", [False, True])
def test_serve_refuses_an_unmigrated_database_in_one_chinese_line(tmp_path, production):
    extra = {}
    if production:
        extra = dict(
            DANGJIAN_PRODUCTION="1",
            DANGJIAN_SECRET_KEY="k" * 50,
            DANGJIAN_ALLOWED_HOSTS="dangjian.example.cn",
        )
    r = subprocess.run(
        [str(DANGJIAN), "serve", "--bind", f"127.0.0.1:{_free_port()}"],
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[-1] == "数据库还没有建表，服务没有启动：请先运行 dangjian migrate。"
    # the warning about production mode only without it
    assert len(lines) == (1 if production else 2), lines
