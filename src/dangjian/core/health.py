"""Health probes for a load balancer, systemd or a monitor: ``/healthz`` and ``/readyz``.

``/healthz`` ("is it alive"): the database answers a ``SELECT 1``. ``/readyz`` ("may it take
users"): besides, every migration is applied and the field-encryption key is there. Both answer
JSON, 200 when all is well and 503 with a Chinese reason otherwise; they need no login, show no
one's data, are not audited, and are never cached. A probe carries no session cookie, so the
middleware adds no query: ``/healthz`` costs one statement, ``/readyz`` two once it has seen the
migrations complete (the full migration plan is computed again only when the number of applied
migrations changes). The exception behind a failure goes to the server's log, not to the probe:
it may name hosts and accounts.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

log = logging.getLogger("dangjian.health")

REASON_DATABASE = "连接不上数据库，请检查数据库服务和 DANGJIAN_DATABASE_URL。"
REASON_MIGRATIONS = "有 {n} 个数据库更新（迁移）还没有执行，请先运行 dangjian migrate。"
REASON_NOT_MIGRATED = "数据库还没有建表，请先运行 dangjian migrate。"
REASON_FIELD_KEY = (
    "找不到字段加密密钥：请设置 DANGJIAN_FIELD_KEY，或从备份恢复数据目录里的 field_key 文件。"
)

# The applied-migration count at which the full plan was last found empty (per process: new
# migrations come with new code, which means a restart).
_migrated_at: dict[str, int] = {}
_lock = threading.Lock()


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 with the reason otherwise."""
    database = _database_state()
    if database["state"] == "ok":
        return _answer({"status": "ok", "database": database}, 200)
    return _answer({"status": "error", "database": database, "reason": REASON_DATABASE}, 503)


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, every migration is applied and the field key is there."""
    body: dict[str, Any] = {"database": _database_state()}
    reasons = []
    if body["database"]["state"] == "ok":
        body["migrations"] = _migrations_state()
        if body["migrations"]["state"] != "ok":
            reasons.append(body["migrations"].pop("reason"))
    else:
        reasons.append(REASON_DATABASE)
    body["field_key"] = {"state": "ok" if field_key_present() else "error"}
    if body["field_key"]["state"] != "ok":
        reasons.append(REASON_FIELD_KEY)
    if reasons:
        return _answer({"status": "error", **body, "reason": "；".join(reasons)}, 503)
    return _answer({"status": "ok", **body}, 200)


def field_key_present() -> bool:
    """The key that encrypts ID numbers at rest is configured: in the environment, or in the
    data directory's key file (made once on a demo's first start, backed up with the data)."""
    if not getattr(settings, "FIELD_KEY", ""):
        return False
    if os.environ.get("DANGJIAN_FIELD_KEY", "").strip():
        return True
    path = settings.DATA_DIR / "field_key"
    try:
        return bool(path.read_text().strip())
    except OSError:
        return False


def _answer(body: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Set here, so the logged-in cache header of SecurityHeadersMiddleware is not applied either.
    response["Cache-Control"] = "no-store"
    return response


def _database_state() -> dict[str, str]:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # the point of a probe is to report any failure
        log.warning("health probe: the database does not answer", exc_info=True)
        _close_quietly(connection)
        return {"vendor": connection.vendor, "state": "error"}
    return {"vendor": connection.vendor, "state": "ok"}


def _migrations_state() -> dict[str, Any]:
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        recorder = MigrationRecorder(connection)
        if not recorder.has_table():
            return {"state": "error", "unapplied": None, "reason": REASON_NOT_MIGRATED}
        applied = recorder.migration_qs.count()
        if _migrated_at.get(connection.alias) == applied:
            return {"state": "ok"}
        with _lock:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            _migrated_at.pop(connection.alias, None)
            n = len(plan)
            return {"state": "error", "unapplied": n, "reason": REASON_MIGRATIONS.format(n=n)}
        _migrated_at[connection.alias] = applied
        return {"state": "ok"}
    except Exception:
        log.warning("readiness probe: cannot read the migration state", exc_info=True)
        _close_quietly(connection)
        return {"state": "error", "unapplied": None, "reason": REASON_DATABASE}


def _close_quietly(connection: Any) -> None:
    """A broken connection is not reused by the next request (CONN_MAX_AGE keeps it otherwise)."""
    try:
        connection.close()
    except Exception:
        pass
