"""``/healthz`` and ``/readyz``: the probes of a load balancer or monitor. In-process on the test
database when all is well; in a subprocess (the real ``dangjian`` command, a fresh environment)
for an empty database, a half-migrated one and one that cannot be reached."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.db import connection

DANGJIAN = Path(sys.executable).parent / "dangjian"
UNREACHABLE_URL = "postgresql://probe:secret-pw@127.0.0.1:1/nowhere"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DANGJIAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(DANGJIAN_DATA_DIR=str(tmp_path), **extra)
    return env


def _probe(tmp_path: Path, script: str, **extra: str) -> list[dict]:
    """Run ``script`` in ``dangjian shell``; each line it prints is one JSON answer."""
    r = subprocess.run(
        [str(DANGJIAN), "shell", "--no-imports", "-c", script],
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


ASK = """
import json
from django.test import Client
c = Client()
def ask(url):
    r = c.get(url)
    print(json.dumps({"url": url, "code": r.status_code, "body": r.json(),
                      "location": r.get("Location")}, ensure_ascii=False))
"""


def test_healthz_reports_the_database_state(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"] == {"vendor": connection.vendor, "state": "ok"}


def test_readyz_is_ready_on_a_migrated_database_with_its_field_key(client, db):
    r = client.get("/readyz")
    assert r.status_code == 200, r.content.decode()
    assert r.json() == {
        "status": "ok",
        "database": {"vendor": connection.vendor, "state": "ok"},
        "migrations": {"state": "ok"},
        "field_key": {"state": "ok"},
    }
    assert client.head("/readyz").status_code == 200  # probes may ask with HEAD
    assert client.post("/readyz").status_code == 405


def test_probes_are_cheap(client, db, django_assert_max_num_queries):
    client.get("/readyz")  # the first call computes the migration plan once per process
    with django_assert_max_num_queries(1):
        assert client.get("/healthz").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/readyz").status_code == 200


def test_probes_need_no_login_set_no_cookie_and_are_never_cached(client_for, cast, client, db):
    from dangjian.core.models import AuditEntry

    before = AuditEntry.objects.count()
    for c in (client, client_for(cast.comm_a_sec)):
        for url in ("/healthz", "/readyz"):
            r = c.get(url)
            assert r.status_code == 200
            # a logged-in user's pages get "private, no-store"; the probe's answer is no one's
            assert r["Cache-Control"] == "no-store"
            if c is client:
                assert not r.cookies  # (a logged-in user's session is renewed as on any page)
            assert set(r.json()) <= {"status", "database", "migrations", "field_key"}
    assert AuditEntry.objects.count() == before  # not audited


def test_readyz_is_not_ready_without_the_field_key(client, db, settings, tmp_path, monkeypatch):
    monkeypatch.delenv("DANGJIAN_FIELD_KEY", raising=False)
    settings.DATA_DIR = tmp_path  # no field_key file there
    r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "error" and body["field_key"] == {"state": "error"}
    assert "DANGJIAN_FIELD_KEY" in body["reason"] and "field_key" in body["reason"]
    (tmp_path / "field_key").write_text(secrets.token_urlsafe(48))
    assert client.get("/readyz").status_code == 200
    # /healthz is about the database only
    (tmp_path / "field_key").unlink()
    assert client.get("/healthz").status_code == 200


def test_readyz_on_an_empty_then_a_half_migrated_database(tmp_path):
    script = (
        ASK
        + """
ask("/healthz")
ask("/readyz")
from django.core.management import call_command
call_command("migrate", "contenttypes", verbosity=0)
ask("/readyz")
"""
    )
    healthz, empty, half = _probe(tmp_path, script)
    assert healthz["code"] == 200  # the database answers: alive, but not ready
    assert empty["code"] == 503 and empty["body"]["migrations"]["state"] == "error"
    assert "还没有建表" in empty["body"]["reason"] and "dangjian migrate" in empty["body"]["reason"]
    assert half["code"] == 503
    unapplied = half["body"]["migrations"]["unapplied"]
    assert unapplied > 10
    assert f"有 {unapplied} 个数据库更新" in half["body"]["reason"]
    assert half["body"]["field_key"] == {"state": "ok"}


def test_probes_on_an_unreachable_database_in_production_mode(tmp_path):
    """503 with a Chinese reason, not the driver's message (it names hosts and accounts); and in
    production mode the plain-HTTP local probe is not redirected to HTTPS."""
    script = ASK + 'ask("/healthz")\nask("/readyz")\n'
    healthz, readyz = _probe(
        tmp_path,
        script,
        DANGJIAN_DATABASE_URL=UNREACHABLE_URL,
        DANGJIAN_PRODUCTION="1",
        DANGJIAN_SECRET_KEY=secrets.token_urlsafe(50),
        DANGJIAN_ALLOWED_HOSTS="testserver",
        DANGJIAN_FIELD_KEY=secrets.token_urlsafe(32),
    )
    for answer in (healthz, readyz):
        assert answer["code"] == 503, answer
        assert answer["body"]["database"] == {"vendor": "postgresql", "state": "error"}
        assert "连接不上数据库" in answer["body"]["reason"]
        text = json.dumps(answer["body"], ensure_ascii=False)
        assert "127.0.0.1" not in text and "probe" not in text and "secret-pw" not in text
    assert "migrations" not in readyz["body"]
    assert readyz["body"]["field_key"] == {"state": "ok"}
