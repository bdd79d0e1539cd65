"""``dangjian sweep-exports``: remove what interrupted exports left and files past their days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangjian.background import services


class Command(BaseCommand):
    help = "清理后台导出：中断留下的临时文件、超过保留天数的导出文件。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="导出文件保留的天数（默认取 DANGJIAN_BACKGROUND_KEEP_DAYS）。",
        )

    def handle(self, *args: Any, keep_days: int | None = None, **options: Any) -> None:
        done = services.sweep(keep_days=keep_days)
        self.stdout.write(
            f"已清理：临时文件 {done['temps']} 个，过期文件 {done['expired']} 个，"
            f"无主文件 {done['orphans']} 个。"
        )
