"""dangjian sweep-uploads [--hours 24]: delete roster uploads nobody imported or cancelled.

Schedule it daily (README, 定时清理上传文件); ``dangjian demo`` also runs it when it starts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dangjian.roster import uploads


class Command(BaseCommand):
    help = "删除超过一定时间（默认 24 小时）仍未导入或取消的名册上传文件。"

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--hours", type=float, default=24, help="保留多少小时内的文件")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        gone = uploads.sweep(hours=opts["hours"])
        self.stdout.write(
            f"已删除 {gone} 个超过 {opts['hours']:g} 小时的名册上传文件（{uploads.folder()}）。"
        )
