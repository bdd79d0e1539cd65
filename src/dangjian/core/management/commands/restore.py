"""``dangjian restore FILE [--yes]``: replace the database and the uploaded files by a backup.

Everything is checked before anything changes (the archive's checksums, the database vendor, the
field-encryption key's fingerprint, the platform version); the person is shown what will be
replaced and asked to confirm unless ``--yes``. Stop the web server and workers first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from dangjian.core import backup
from dangjian.core.management.commands.backup import ChineseErrorsMixin

YES = {"是", "y", "yes"}


class Command(ChineseErrorsMixin, BaseCommand):
    help = (
        "用备份文件替换现在的全部数据（数据库和上传的文件）。恢复前请先停止网站和后台任务。"
        "需要与做备份时相同的字段加密密钥。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="dangjian backup 做出的 .tar.gz 备份文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复（用于脚本）")

    def handle(self, *args, **options):
        say = self.stdout.write if options["verbosity"] > 0 else (lambda _line: None)
        try:
            say(f"正在检查备份文件 {options['file']} ……")
            opened = backup.open_backup(options["file"])
        except backup.BackupError as exc:
            self.fail(str(exc))
        try:
            m = opened.manifest
            say(
                f"备份时间 {m['created_at']}，平台版本 {m.get('platform_version')}，"
                f"{backup.vendor_name(m['database']['vendor'])} 数据库，"
                f"{len(m['tables'])} 张表共 {opened.rows} 行，上传文件 {opened.files} 个；"
                "校验全部通过。"
            )
            try:
                now = backup.live_counts()
            except DatabaseError:
                now = {}
            say(
                f"将被替换的现有数据：{len(now)} 张表共 {sum(now.values())} 行，"
                f"上传文件 {backup.media_file_count()} 个。它们会被备份中的数据完全取代。"
            )
            if not options["yes"] and not self._confirmed():
                self.fail("已取消，没有做任何更改。")
            result = backup.restore_backup(opened, log=say)
        except backup.BackupError as exc:
            self.fail(str(exc))
        finally:
            opened.cleanup()
        say(
            f"恢复完成：{result.tables} 张表共 {result.rows} 行、上传文件 {result.files} 个，"
            "已与备份核对一致。"
        )
        for note in result.notes:
            say(note)

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            self.fail("需要确认才能恢复：请在终端里运行并回答，或加 --yes。没有做任何更改。")
        answer = input("确定用这份备份替换现有的全部数据吗？输入“是”或 yes 继续：")
        return answer.strip().lower() in YES
