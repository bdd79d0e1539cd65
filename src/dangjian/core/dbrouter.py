"""PostgreSQL read replicas: which query goes where (docs/replicas.md).

Everything goes to the primary (``default``) unless all of these hold:

- the code runs inside :func:`replica_ok` — a page that may show data a few seconds old
  (ledgers and exports, dashboards, statistics) says so with ``@replica_ok``;
- it is a read, outside any ``transaction.atomic`` block;
- the user has not written in this request, nor in the last
  ``DANGJIAN_REPLICA_STICKY_SECONDS`` (read-your-own-writes, kept by
  :class:`ReplicaStickyMiddleware` in a signed cookie);
- a replica is healthy: it answers, and it is not more than ``DANGJIAN_REPLICA_MAX_LAG`` seconds
  behind. The check is cached per process for ``DANGJIAN_REPLICA_CHECK_SECONDS``, so it costs one
  small query every few seconds, not one per query.

Without ``DANGJIAN_REPLICA_URLS`` the router answers nothing and Django behaves as with one
database.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.conf import settings
from django.core.signing import BadSignature
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.connection import ConnectionDoesNotExist

log = logging.getLogger(__name__)

#: Apps whose rows are bookkeeping of the request itself (sessions, login throttling, second
#: factor): always read on the primary, and writing them does not pin the user to it.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "otp_totp", "otp_static", "django_otp"})
#: Writes that do not pin the writer to the primary: the audit row an export writes is never
#: shown by a lag-tolerant page, and pinning on it would send every second export to the primary.
NOT_STICKY = PRIMARY_ONLY_APPS | {"core.auditentry"}

STICKY_COOKIE = "dangjian_primary"
_STICKY_SALT = "dangjian.core.dbrouter.sticky"

# Is the code inside a lag-tolerant page?
_REPLICA_OK: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_ok", default=False)


@dataclass
class _RequestState:
    """What the router knows about the current request (set by the middleware)."""

    pinned: bool = False  # the user wrote a few seconds ago: read on the primary
    wrote: bool = False  # the user wrote in this request


_REQUEST: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "replica_request", default=None
)
# The replicas read from inside the current ``@replica_ok`` view (to tell, when it fails, whether
# a replica is to blame).
_USED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "replica_used", default=None
)


def replica_aliases() -> list[str]:
    """The configured replicas' database aliases (``replica1``, …), from the settings."""
    return list(getattr(settings, "DANGJIAN_REPLICAS", []))


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# ---- health --------------------------------------------------------------------------------
#: Seconds a replica is behind the primary, 0 when it has replayed all the WAL it received.
#: A standby with no WAL receiver (cut off from the primary) cannot know how far behind it is:
#: it reports -1, which counts as unhealthy.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN -1
  WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_xact_replay_timestamp() IS NULL THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass(frozen=True)
class Health:
    ok: bool
    reason: str
    until: float  # time.monotonic() after which the replica is checked again


_HEALTH: dict[str, Health] = {}


def check_replica(alias: str) -> Health:
    """Connect to the replica and measure its lag, now (not cached)."""
    ttl = _setting("DANGJIAN_REPLICA_CHECK_SECONDS", 5)
    max_lag = _setting("DANGJIAN_REPLICA_MAX_LAG", 30)
    conn = connections[alias]
    try:
        conn.ensure_connection()
        lag = 0.0
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
    except DatabaseError as exc:
        _close_quietly(alias)
        return Health(False, f"连接失败：{exc}".strip(), time.monotonic() + ttl)
    if lag < 0:
        return Health(False, "未连接主库，无法判断延迟", time.monotonic() + ttl)
    if lag > max_lag:
        return Health(False, f"延迟 {lag:.1f} 秒，超过 {max_lag:g} 秒", time.monotonic() + ttl)
    return Health(True, f"延迟 {lag:.1f} 秒", time.monotonic() + ttl)


def replica_health(alias: str) -> Health:
    """The replica's health, checked at most once per ``DANGJIAN_REPLICA_CHECK_SECONDS``."""
    known = _HEALTH.get(alias)
    if known is None or time.monotonic() >= known.until:
        known = check_replica(alias)
        if not known.ok and (_HEALTH.get(alias) is None or _HEALTH[alias].ok):
            log.warning("只读副本 %s 暂不可用，读取改走主库：%s", alias, known.reason)
        _HEALTH[alias] = known
    return known


def mark_down(alias: str, reason: str) -> None:
    """Send no reads to ``alias`` until its next check (e.g. it failed in the middle of a page)."""
    ttl = _setting("DANGJIAN_REPLICA_CHECK_SECONDS", 5)
    log.warning("只读副本 %s 出错，读取改走主库：%s", alias, reason)
    _HEALTH[alias] = Health(False, reason, time.monotonic() + ttl)


def forget_health() -> None:
    """Check every replica again at its next use."""
    _HEALTH.clear()


def _close_quietly(alias: str) -> None:
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


# ---- the lag-tolerant context ----------------------------------------------------------------
F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def _replica_context() -> Iterator[None]:
    token = _REPLICA_OK.set(True)
    try:
        yield
    finally:
        _REPLICA_OK.reset(token)


@overload
def replica_ok(view: F) -> F: ...
@overload
def replica_ok(view: None = None) -> contextlib.AbstractContextManager[None]: ...
def replica_ok(view: Any = None) -> Any:
    """Mark reads that may be a few seconds old: ``@replica_ok`` on a read-only view, or
    ``with replica_ok():`` around a block.

    As a decorator it also survives a replica that fails in the middle of the page (its server
    stopped since the last health check): the replica is marked down and the view runs once more
    on the primary. So only decorate views that read and then, at most, write last (the audit row
    of an export): a view that writes before its last read could write twice."""
    if view is None:
        return _replica_context()

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        used: set[str] = set()
        used_token = _USED.set(used)
        try:
            with _replica_context():
                try:
                    return view(*args, **kwargs)
                except DatabaseError as exc:
                    failed = [a for a in sorted(used) if _failed(a)]
                    if not failed:
                        raise
                    for alias in failed:
                        mark_down(alias, str(exc))
                        _close_quietly(alias)
        finally:
            _USED.reset(used_token)
        return view(*args, **kwargs)  # once more, outside the context: on the primary

    return wrapper


def _failed(alias: str) -> bool:
    """Did the replica's connection in this thread just fail? (Django flags a connection whose
    query or connect raised anything but a data or integrity error.)"""
    try:
        return connections[alias].errors_occurred
    except ConnectionDoesNotExist:
        return False


def _in_atomic_block() -> bool:
    """Inside a ``transaction.atomic`` of the code (not the one a test case wraps each test in,
    so that the tests route as production does)."""
    conn = connections[DEFAULT_DB_ALIAS]
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def _label(model: Any) -> tuple[str, str]:
    return model._meta.app_label, model._meta.label_lower


# ---- the router ----------------------------------------------------------------------------
class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: see the module's docstring."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        replicas = replica_aliases()
        if not replicas:
            return None
        if not _REPLICA_OK.get() or _label(model)[0] in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        state = _REQUEST.get()
        if state is not None and (state.pinned or state.wrote):
            return DEFAULT_DB_ALIAS
        if _in_atomic_block():
            return DEFAULT_DB_ALIAS
        healthy = [a for a in replicas if replica_health(a).ok]
        if not healthy:
            return DEFAULT_DB_ALIAS
        alias = random.choice(healthy)
        used = _USED.get()
        if used is not None:
            used.add(alias)
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        if not replica_aliases():
            return None
        state = _REQUEST.get()
        app, label = _label(model)
        if state is not None and app not in NOT_STICKY and label not in NOT_STICKY:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        ours = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True  # the same data, whichever copy it was read from
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db in replica_aliases() else None  # replicas follow the primary


# ---- read-your-own-writes ------------------------------------------------------------------
class ReplicaStickyMiddleware:
    """Pins a user who just wrote to the primary for ``DANGJIAN_REPLICA_STICKY_SECONDS``: a
    successful POST (or any write through the router) sets a signed cookie with the time; while
    it is valid the lag-tolerant pages read on the primary, so the secretary who just saved sees
    what she saved. Does nothing when no replica is configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        seconds = int(_setting("DANGJIAN_REPLICA_STICKY_SECONDS", 5))
        state = _RequestState(pinned=self._pinned(request, seconds))
        token = _REQUEST.set(state)
        try:
            response = self.get_response(request)
        finally:
            _REQUEST.reset(token)
        posted = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if seconds > 0 and (state.wrote or (posted and response.status_code < 400)):
            response.set_signed_cookie(
                STICKY_COOKIE,
                str(int(time.time())),
                salt=_STICKY_SALT,
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    @staticmethod
    def _pinned(request: HttpRequest, seconds: int) -> bool:
        if STICKY_COOKIE not in request.COOKIES:
            return False
        try:
            request.get_signed_cookie(STICKY_COOKIE, salt=_STICKY_SALT, max_age=seconds)
        except (BadSignature, ValueError):  # expired (SignatureExpired) or forged
            return False
        return True
