"""The ``dangjian`` console command: Django's management commands under one name.

``dangjian demo`` builds the demo county and starts the server, ``dangjian serve`` runs it for
real, ``dangjian rules`` lists the rules table, ``dangjian benchmark`` times the hot pages; every
other Django command works too (``dangjian migrate``, ``dangjian createsuperuser``).

A command run on a database that has no tables yet, or that cannot be reached, says so in one
Chinese line on stderr and exits with status 2 instead of a traceback; ``DANGJIAN_DEBUG=1``
shows the traceback as well.
"""

from __future__ import annotations

import os
import sys

#: Exit status of a command stopped by the state of the database.
DATABASE_EXIT = 2

NOT_MIGRATED = "数据库还没有建表：请先运行 dangjian migrate（演示可用 dangjian demo）。"
BEHIND = "数据库的表结构不是最新的：请先运行 dangjian migrate。"
UNREACHABLE = "连接不上数据库（{where}）：{detail}（检查 DANGJIAN_DATABASE_URL）。"

# Lower-case fragments of the drivers' messages (SQLite, psycopg) and what they mean.
_UNREACHABLE = (
    ("connection refused", "连接被拒绝，数据库服务可能没有启动"),
    ("could not translate host name", "找不到数据库服务器的主机名"),
    ("name or service not known", "找不到数据库服务器的主机名"),
    ("password authentication failed", "数据库用户名或密码不对"),
    ("no password supplied", "没有提供数据库密码"),
    ("timeout expired", "连接数据库超时"),
    ("timed out", "连接数据库超时"),
    ("no route to host", "网络不通，到不了数据库服务器"),
    ("no such file or directory", "找不到数据库的连接文件，数据库服务可能没有启动"),
    (
        "unable to open database file",
        "打不开 SQLite 数据库文件，请检查 DANGJIAN_DATA_DIR 和文件权限",
    ),
    ("could not connect", "数据库服务没有响应"),
    ("connection failed", "数据库服务没有响应"),
    ("server closed the connection", "数据库服务器断开了连接"),
)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["dangjian", *sys.argv[1:]])
    except Exception as exc:
        message = database_message(exc)
        if message is None:
            raise
        if _flag("DANGJIAN_DEBUG"):
            import traceback

            traceback.print_exc()
        print(message, file=sys.stderr)
        sys.exit(DATABASE_EXIT)


def database_message(exc: BaseException) -> str | None:
    """One Chinese line for a database that is unreachable or has no (or old) tables, also when
    a command wrapped that error in its own; None for anything else, which keeps its traceback."""
    from django.db.utils import OperationalError, ProgrammingError

    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OperationalError | ProgrammingError):
            return _classify(" ".join(str(cause).split()).lower())
        cause = cause.__cause__ or cause.__context__
    return None


def _classify(text: str) -> str | None:
    if "no such table" in text or ("relation " in text and "does not exist" in text):
        return BEHIND if _some_migrations_applied() else NOT_MIGRATED
    if "no such column" in text or ("column " in text and "does not exist" in text):
        return BEHIND
    if "database " in text and "does not exist" in text:
        # PostgreSQL's 'database "x" does not exist': the server is there, the database is not
        return UNREACHABLE.format(where=_where(), detail="服务器上没有这个数据库")
    if "role " in text and "does not exist" in text:
        return UNREACHABLE.format(where=_where(), detail="数据库里没有这个用户")
    for fragment, detail in _UNREACHABLE:
        if fragment in text:
            return UNREACHABLE.format(where=_where(), detail=detail)
    return None


def _where() -> str:
    """Where the database is, without the password: host:port/name, or the SQLite file."""
    try:
        from django.conf import settings

        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            return str(db["NAME"])
        host = db.get("HOST") or "本机"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"{host}{port}/{db.get('NAME', '')}"
    except Exception:
        return "未知"


def _some_migrations_applied() -> bool:
    """Whether the database has Django's migration table with rows in it (a database behind the
    code) rather than none at all (never migrated)."""
    try:
        from django.db import connection
        from django.db.migrations.recorder import MigrationRecorder

        if not connection.in_atomic_block:
            # a failed statement can leave PostgreSQL's transaction aborted: start afresh
            connection.close()
        recorder = MigrationRecorder(connection)
        return recorder.has_table() and recorder.migration_qs.exists()
    except Exception:
        return False


def _flag(env: str) -> bool:
    return os.environ.get(env, "").strip().lower() in {"1", "true", "yes", "on"}


if __name__ == "__main__":
    main()
