"""Every ``dangjian`` command on an unmigrated or unreachable database says so in one Chinese line
on stderr and exits with status 2, not a traceback; the commands that set a database up still
work on an empty one. Subprocesses run the real command with a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.utils import OperationalError, ProgrammingError

from dangjian import cli

DANGJIAN = Path(sys.executable).parent / "dangjian"
UNREACHABLE_URL = "postgresql://clerk:secret-pw@127.0.0.1:1/dangjian"


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DANGJIAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(DANGJIAN_DATA_DIR=str(tmp_path), **extra)
    return subprocess.run(
        [str(DANGJIAN), *args], env=env, capture_output=True, text=True, timeout=120
    )


def _one_chinese_line(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ("benchmark-import", "--rows", "3"),
        ("createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.cn"),
    ],
)
def test_a_command_on_a_fresh_data_dir_asks_for_migrate_in_one_line(tmp_path, args):
    line = _one_chinese_line(_run(tmp_path, *args))
    assert line == "数据库还没有建表：请先运行 dangjian migrate（演示可用 dangjian demo）。"


def test_a_command_on_an_unreachable_database_says_so_without_the_password(tmp_path):
    line = _one_chinese_line(
        _run(tmp_path, "benchmark-import", "--rows", "3", DANGJIAN_DATABASE_URL=UNREACHABLE_URL)
    )
    assert line.startswith("连接不上数据库（127.0.0.1:1/dangjian）：连接被拒绝")
    assert "DANGJIAN_DATABASE_URL" in line and "secret-pw" not in line


def test_debug_keeps_the_traceback(tmp_path):
    r = _run(tmp_path, "benchmark-import", "--rows", "3", DANGJIAN_DEBUG="1")
    assert r.returncode == 2
    assert "Traceback" in r.stderr and "no such table" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("数据库还没有建表")


def test_the_setup_commands_still_work_on_an_empty_database(tmp_path):
    r = _run(tmp_path, "check")
    assert r.returncode == 0 and "no issues" in r.stdout, r.stderr
    r = _run(tmp_path, "migrate", "--plan")
    assert r.returncode == 0 and "contenttypes" in r.stdout, r.stderr


# --- the classification itself, on the test database -----------------------------------------


def test_a_missing_table_on_a_migrated_database_means_it_is_behind(db):
    # the test database has Django's migration table, filled: an older schema, not an empty one
    for error in (
        OperationalError("no such table: roster_thing"),
        ProgrammingError('relation "roster_thing" does not exist\nLINE 1: SELECT ...'),
    ):
        assert cli.database_message(error) == cli.BEHIND
    assert cli.database_message(OperationalError("no such column: members_member.x")) == cli.BEHIND


def test_a_wrapped_database_error_is_found_and_others_keep_their_traceback(db):
    try:
        try:
            raise OperationalError(
                'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
                "Connection refused"
            )
        except OperationalError as exc:
            raise CommandError("导入失败") from exc
    except CommandError as wrapped:
        message = cli.database_message(wrapped)
    assert message is not None and message.startswith("连接不上数据库（")
    assert "连接被拒绝" in message
    assert "没有这个数据库" in cli.database_message(
        OperationalError('FATAL:  database "x" does not exist')
    )
    assert "用户名或密码" in cli.database_message(
        OperationalError('FATAL:  password authentication failed for user "u"')
    )
    # anything else is not ours to summarise
    assert cli.database_message(OperationalError("database is locked")) is None
    assert cli.database_message(ProgrammingError("syntax error at or near")) is None
    assert cli.database_message(ValueError("no such table: x")) is None
    with connection.cursor() as cursor:  # the test's connection is still usable
        cursor.execute("SELECT 1")
