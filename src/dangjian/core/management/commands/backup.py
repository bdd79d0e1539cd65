"""``dangjian backup [--output FILE]``: one archive of the database and the uploaded files.

See ``dangjian.core.backup`` for what the archive holds and docs/backup.md for scheduling it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.core import backup


class ChineseErrorsMixin:
    """A refusal is one Chinese line on stderr and exit status 1, not "CommandError: …" or a
    traceback; under ``call_command`` (tests) it is a ``CommandError`` as usual."""

    _from_terminal = False

    def run_from_argv(self, argv):
        self._from_terminal = True
        return super().run_from_argv(argv)

    def fail(self, message: str):
        if self._from_terminal:
            self.stderr.write(message)
            sys.exit(1)
        raise CommandError(message)


class Command(ChineseErrorsMixin, BaseCommand):
    help = (
        "备份数据库和上传的文件到一个 .tar.gz 文件（默认保存在数据目录的 backups 文件夹）。"
        "字段加密密钥不在备份里，请另外妥善保管。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="备份文件保存到哪里（文件名，或一个文件夹）；默认 数据目录/backups/",
        )

    def handle(self, *args, **options):
        say = self.stdout.write if options["verbosity"] > 0 else (lambda _line: None)
        try:
            result = backup.create_backup(output=options["output"], log=say)
        except backup.BackupError as exc:
            self.fail(str(exc))
        size = result.path.stat().st_size
        say(
            f"备份完成：{result.path}（{_size(size)}）—— {len(result.manifest['tables'])} 张表、"
            f"共 {result.rows} 行，上传文件 {result.files} 个。"
        )
        say(
            "提醒：恢复时需要同一个字段加密密钥（DANGJIAN_FIELD_KEY 或数据目录里的 field_key），它不在备份里，请另外保管。"
        )


def _size(n: int) -> str:
    for unit in ("字节", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "字节" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
