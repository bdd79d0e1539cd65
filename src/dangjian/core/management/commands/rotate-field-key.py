"""dangjian rotate-field-key [--batch 1000] [--dry-run]: re-encrypt every encrypted value under the
current field key (docs/keys.md).

Run it after making a new key current and moving the old one to the old-keys list. The site can
stay up: values under the old key still decrypt meanwhile. Each batch is one transaction, so a run
that is stopped (Ctrl-C, a crash, a reboot) can simply be started again; it picks up only the values
not yet under the current key. At the end it says whether any value still uses an old key, i.e.
whether the old key can be removed.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from dangjian.core import crypto


class Command(BaseCommand):
    help = "用当前字段加密密钥重新加密所有加密数据（分批进行，可中断后重新运行）。"

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--batch", type=int, default=1000, help="每批处理多少条（默认 1000）")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不改动数据")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        if opts["batch"] < 1:
            raise CommandError("--batch 至少为 1。")
        say = self.stdout.write
        keys = crypto.ring()
        say(
            f"当前密钥版本 v{keys.version}；旧密钥版本："
            + ("、".join(f"v{v}" for v in keys.old_versions) or "无")
            + ("（只统计，不改动数据）" if opts["dry_run"] else "")
        )
        try:
            report = crypto.rotate(batch_size=opts["batch"], dry_run=opts["dry_run"], say=say)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for f in report.fields:
            if f.by_version:
                parts = "，".join(
                    f"{'旧格式（未标版本）' if v == crypto.LEGACY_VERSION else 'v' + v} {n} 个"
                    + ("" if v in keys.readers or v == crypto.LEGACY_VERSION else "（密钥未配置）")
                    for v, n in sorted(f.by_version.items())
                )
                say(f"{f.label}：本次开始前未用当前密钥的值——{parts}。")
            if f.changed_meanwhile:
                say(f"{f.label}：{f.changed_meanwhile} 个值在处理时被他人修改，已跳过。")
            if f.unreadable:
                shown = "、".join(str(pk) for pk in f.unreadable[:20])
                more = " 等" if len(f.unreadable) > 20 else ""
                say(
                    f"{f.label}：{len(f.unreadable)} 个值无法解密（密钥未配置或数据已损坏），"
                    f"未改动；编号 {shown}{more}。"
                )
        if opts["dry_run"]:
            say(f"统计完成：共有 {report.remaining_old} 个值待用当前密钥重新加密。")
            return
        say(f"完成：本次重新加密 {report.rotated} 个值。")
        if report.remaining_old == 0:
            say("所有加密数据都已使用当前密钥。备份之后，可以从旧密钥列表中删除旧密钥。")
        else:
            say(
                f"仍有 {report.remaining_old} 个值使用旧密钥或无法解密：请先不要删除旧密钥；"
                "处理上面列出的问题后再次运行本命令。"
            )
